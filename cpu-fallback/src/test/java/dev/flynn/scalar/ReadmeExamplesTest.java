package dev.flynn.scalar;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compiles and runs every {@code java} code block of the README, so the documented API cannot rot.
 * Each block runs as the body of a method with the usual imports; the values its comments promise
 * after {@code // } are checked against what it prints, line by line, where a comment gives one.
 */
class ReadmeExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final String IMPORTS = """
            import dev.flynn.*;
            import static dev.flynn.Expr.*;
            import java.util.*;
            import java.lang.foreign.*;
            """;

    @TestFactory
    List<DynamicTest> readmeBlocksCompileAndRun() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        Matcher m = BLOCK.matcher(text);
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        while (m.find()) {
            String body = m.group(1);
            int index = n++;
            tests.add(DynamicTest.dynamicTest("README block " + index, () -> run(index, body)));
        }
        assertTrue(tests.size() >= 4, "the README should show the API in several java blocks, found " + tests.size());
        return tests;
    }

    private static void run(int index, String body) throws Exception {
        Path dir = Files.createTempDirectory("readme");
        String cls = "ReadmeBlock" + index;
        Path src = dir.resolve(cls + ".java");
        Files.writeString(src, IMPORTS + "public class " + cls + " {\n public static void run() throws Exception {\n"
                + body + "\n }\n}\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
                "--add-modules", "jdk.incubator.vector", "-d", dir.toString(), src.toString());
        assertEquals(0, rc, () -> "README block " + index + " does not compile:\n" + diagnostics);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()},
                ReadmeExamplesTest.class.getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass(cls).getMethod("run").invoke(null);
        } finally {
            System.setOut(old);
        }
        List<String> promised = promisedOutputs(body);
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        for (int i = 0; i < promised.size(); i++) {
            String want = promised.get(i);
            if (want == null) {
                continue;
            }
            String got = i < lines.size() ? lines.get(i) : "<nothing>";
            assertTrue(got.startsWith(want), "README block " + index + ", printed line " + i + ": the comment promises '"
                    + want + "', the code printed '" + got + "'");
        }
    }

    /** For each println in order, the text its trailing comment promises (null where it promises nothing checkable). */
    private static List<String> promisedOutputs(String body) {
        List<String> out = new ArrayList<>();
        for (String line : body.lines().toList()) {
            if (!line.contains("System.out.println")) {
                continue;
            }
            int c = line.indexOf("// ");
            String promise = c < 0 ? null : line.substring(c + 3).trim();
            // comments that describe rather than quote ("... with a caret", "on simd") are not checked
            if (promise != null && (promise.contains("...") || promise.startsWith("a new"))) {
                promise = null;
            }
            out.add(promise);
        }
        return out;
    }
}
