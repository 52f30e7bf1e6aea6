package dev.torch4j.readme;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java snippet of README.md is compiled: snippet k is the body of {@code ReadmeK.snippet} with exactly the
 * snippet's import lines, so an API change that breaks a snippet breaks the build, and an edit of one side alone
 * fails here.
 */
class ReadmeSnippetsTest {
    @Test void everyReadmeSnippetIsTheCompiledCode() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        int k = 0;
        while (m.find()) {
            k++;
            Path source = Path.of("tests/java/dev/torch4j/readme/Readme" + k + ".java");
            assertThat(source).as("README snippet %d needs its compiled copy", k).exists();
            List<String> snippet = m.group(1).lines().toList();
            List<String> code = Files.readAllLines(source);
            assertThat(imports(code)).as("imports of README snippet %d", k).isEqualTo(imports(snippet));
            List<String> body = nonBlank(snippet.stream().filter(l -> !l.startsWith("import ")).toList());
            assertThat(String.join("\n", nonBlank(code))).as("README snippet %d in %s", k, source).contains(String.join("\n", body));
        }
        assertThat(k).isEqualTo(8);
        assertThat(Path.of("tests/java/dev/torch4j/readme/Readme" + (k + 1) + ".java")).as("a compiled snippet the README lost").doesNotExist();
    }

    @Test void theConsumerPomAsksForThisVersionAndJava17() throws Exception {
        Matcher v = Pattern.compile("<artifactId>torch4j</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(v.find()).isTrue();
        String readme = Files.readString(Path.of("README.md"));
        Matcher xml = Pattern.compile("```xml\\n(<project.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(xml.find()).as("the README's consumer pom").isTrue();
        String pom = xml.group(1);
        assertThat(pom.split("<version>" + v.group(1) + "</version>", -1)).as("both torch4j dependencies at " + v.group(1)).hasSize(3);
        assertThat(pom).contains("<maven.compiler.release>17</maven.compiler.release>", "<classifier>native-linux-x86_64</classifier>",
                "<artifactId>maven-compiler-plugin</artifactId>");
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new java.io.ByteArrayInputStream(pom.getBytes()));
    }

    private static List<String> imports(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("import ")).sorted().toList();
    }

    private static List<String> nonBlank(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) if (!l.isBlank()) out.add(l.strip());
        return out;
    }
}
