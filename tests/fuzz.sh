#!/usr/bin/env bash
# Every fuzz target for SECONDS each (docs/fuzzing.md), after the shim's ctest suite under ASan+UBSan. Exits non-zero
# on any finding (the input is in target/fuzz/artifacts; make it a regression input and fix it).
#   native: fuzz_decode, fuzz_pipeline (libFuzzer, ASan+UBSan; needs clang and libclang-rt-14-dev)
#   java:   ReaderFuzzTest's pthFiles, safetensors, idx, pipeline (Jazzer; needs `mvn test-compile` done)
# Usage: tests/fuzz.sh SECONDS [all|native|java]        (CI: 10; a longer run: 600)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
which=${2:-all}
out=target/fuzz
mkdir -p "$out/artifacts"
summary="$out/summary.txt"
: > "$summary"

# one line per run: target, executions, executions per second, coverage (libFuzzer's cov: edges / Jazzer's counters)
record() {
  local name=$1 log=$2
  local done_line runs rate
  done_line=$(grep -E "DONE|Done [0-9]+ runs" "$log" | grep DONE | tail -n 1 || true)
  runs=$(grep -oE "Done [0-9]+ runs" "$log" | tail -n 1 | grep -oE "[0-9]+" || echo 0)
  rate=$(echo "$done_line" | grep -oE "exec/s: [0-9]+" | grep -oE "[0-9]+" || echo 0)
  echo "$name: $runs inputs in ${secs} s, ${rate} exec/s, $(echo "$done_line" | grep -oE "cov: [0-9]+ ft: [0-9]+")" | tee -a "$summary"
}

fail() {
  echo "FUZZ FINDING in $1 (log: $2):"
  grep -E "ERROR|SUMMARY|runtime error|Exception|artifact|Test unit written" "$2" | head -n 20
  exit 1
}

if [ "$which" = all ] || [ "$which" = native ]; then
  # the shim and its ctest suite under AddressSanitizer and UndefinedBehaviorSanitizer (the compiler of the main build)
  cmake -S . -B "$out/asan" -DTORCH4J_SANITIZE=ON -DTORCH4J_BUNDLE_IMAGE_LIBS=OFF > "$out/asan-configure.log" 2>&1 \
    || { cat "$out/asan-configure.log"; exit 1; }
  cmake --build "$out/asan" -j2 > "$out/asan-build.log" 2>&1 || { tail -n 40 "$out/asan-build.log"; exit 1; }
  (cd "$out/asan" && ctest --output-on-failure) > "$out/asan-ctest.log" 2>&1 || { cat "$out/asan-ctest.log"; exit 1; }
  echo "shim ctest under ASan+UBSan: $(grep -E "tests passed" "$out/asan-ctest.log")" | tee -a "$summary"

  CC=clang CXX=clang++ cmake -S . -B "$out/build" -DTORCH4J_FUZZ=ON -DBUILD_TESTING=OFF -DTORCH4J_BUNDLE_IMAGE_LIBS=OFF \
    > "$out/fuzz-configure.log" 2>&1 || { cat "$out/fuzz-configure.log"; exit 1; }
  cmake --build "$out/build" -j2 --target fuzz_decode fuzz_pipeline > "$out/fuzz-build.log" 2>&1 || { tail -n 40 "$out/fuzz-build.log"; exit 1; }
  mkdir -p "$out/seeds/decode" "$out/corpus/decode" "$out/corpus/pipeline"
  cp tests/resources/fixtures/images/*.jpg tests/resources/fixtures/images/*.png "$out/seeds/decode/"
  flags=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/artifacts/" -print_final_stats=1)
  "$out/build/fuzz_decode" "${flags[@]}" "$out/corpus/decode" "$out/seeds/decode" > "$out/fuzz_decode.log" 2>&1 \
    || fail fuzz_decode "$out/fuzz_decode.log"
  record fuzz_decode "$out/fuzz_decode.log"
  # the regression inputs run first: a finding that comes back fails here
  "$out/build/fuzz_pipeline" "${flags[@]}" "$out/corpus/pipeline" tests/cpp/fuzz/seeds/pipeline tests/cpp/fuzz/regressions \
    > "$out/fuzz_pipeline.log" 2>&1 || fail fuzz_pipeline "$out/fuzz_pipeline.log"
  record fuzz_pipeline "$out/fuzz_pipeline.log"
fi

if [ "$which" = all ] || [ "$which" = java ]; then
  [ -d target/test-classes/dev/torch4j/fuzz ] || { echo "run mvn test-compile first"; exit 1; }
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" > "$out/classpath.log" 2>&1 \
    || { cat "$out/classpath.log"; exit 1; }
  cp="target/test-classes:target/classes:$(cat "$out/classpath.txt")"
  for m in pthFiles safetensors idx pipeline; do
    mkdir -p "$out/corpus/java-$m"
    # Jazzer's own driver runs the @FuzzTest method with libFuzzer's flags; findings of earlier runs are among the seeds
    java -Xmx2g -cp "$cp" com.code_intelligence.jazzer.Jazzer --target_class=dev.torch4j.fuzz.ReaderFuzzTest --target_method="$m" \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$out/artifacts/" \
      "$out/corpus/java-$m" "tests/resources/dev/torch4j/fuzz/ReaderFuzzTestInputs/$m" > "$out/java-$m.log" 2>&1 \
      || fail "ReaderFuzzTest#$m" "$out/java-$m.log"
    record "ReaderFuzzTest#$m" "$out/java-$m.log"
  done
fi
echo "fuzzing done; summary in $summary"
