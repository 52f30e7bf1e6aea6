# Bundling the shim's image libraries (libjpeg-turbo, libpng, zlib) beside it, so that the native jar needs nothing
# on the user's machine beyond the C and C++ runtime that libtorch needs itself.
#
# Why bundling and not static linking: Debian's libjpeg.a, libpng16.a and libz.a are built without -fPIC and cannot
# go into a shared library (the linker refuses their R_X86_64_PC32 relocations). So the build copies the shared
# libraries it linked against beside the shim under their soname, points the shim's run-time search path at its own
# directory ($ORIGIN, @loader_path), and NativeShim's @Platform(preload=...) makes JavaCPP bundle them into the jar
# and load them before the shim, as the JavaCPP presets do with their own dependencies. On Windows the vcpkg
# x64-windows-static triplet links them statically instead (MSVC's static libraries are position-independent).

# The soname (Linux) or install name (macOS) of a shared library file.
function(torch4j_soname file out)
  if(APPLE)
    execute_process(COMMAND otool -D "${file}" OUTPUT_VARIABLE text RESULT_VARIABLE rc)
    string(REGEX REPLACE "^[^\n]*\n" "" text "${text}")
    string(STRIP "${text}" name)
  else()
    execute_process(COMMAND objdump -p "${file}" OUTPUT_VARIABLE text RESULT_VARIABLE rc)
    string(REGEX MATCH "SONAME +([^ \n]+)" m "${text}")
    set(name "${CMAKE_MATCH_1}")
  endif()
  if(NOT rc EQUAL 0 OR name STREQUAL "")
    message(FATAL_ERROR "cannot read the soname of ${file}")
  endif()
  set(${out} "${name}" PARENT_SCOPE)
endfunction()

# Copies the shared libraries among ARGN (system ones on macOS excepted) into the build directory and sets the
# target's run-time path to its own directory. Sets TORCH4J_BUNDLED to the copied file names.
function(torch4j_bundle_libraries target)
  set(bundled "")
  foreach(lib ${ARGN})
    if(NOT IS_ABSOLUTE "${lib}" OR lib MATCHES "\\.(a|lib)$" OR lib MATCHES "^/usr/lib/[^/]+\\.dylib$" OR lib MATCHES "\\.tbd$")
      continue() # a plain name (m), a static archive, or a macOS system library
    endif()
    get_filename_component(real "${lib}" REALPATH)
    torch4j_soname("${real}" soname)
    get_filename_component(file_name "${soname}" NAME)
    configure_file("${real}" "${CMAKE_BINARY_DIR}/${file_name}" COPYONLY)
    list(APPEND bundled "${file_name}")
    if(APPLE)
      # the shim refers to the library by its install name: make that @rpath/NAME, found beside the shim
      add_custom_command(TARGET ${target} POST_BUILD
        COMMAND install_name_tool -change "${soname}" "@rpath/${file_name}" "$<TARGET_FILE:${target}>"
        COMMAND install_name_tool -id "@rpath/${file_name}" "${CMAKE_BINARY_DIR}/${file_name}" VERBATIM)
    endif()
  endforeach()
  list(REMOVE_DUPLICATES bundled)
  if(APPLE)
    set_target_properties(${target} PROPERTIES BUILD_RPATH "@loader_path" INSTALL_RPATH "@loader_path")
  else()
    set_target_properties(${target} PROPERTIES BUILD_RPATH "$ORIGIN" INSTALL_RPATH "$ORIGIN")
  endif()
  set(TORCH4J_BUNDLED "${bundled}" PARENT_SCOPE)
  message(STATUS "torch4j: bundling ${bundled} beside the shim")
endfunction()
