package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import org.junit.jupiter.api.Test;

/** Every command that reads every record of several sequence files takes them with the same --input option. */
class InputFilesTest {

    @Test
    void theCommandsThatReadWholeFilesShareOneInputOption() {
        Map<String, OptionSpec> required = new TreeMap<>();
        List<CommandLine> todo = new ArrayList<>(List.of(Evo2wbCli.commandLine()));
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(0);
            OptionSpec o = c.getCommandSpec().findOption("--input");
            if (o != null && o.required() && o.arity().max() > 1) {     // mutagenesis reads one record of one file
                required.put(c.getCommandSpec().qualifiedName(" ").replaceFirst("^evo2wb ?", ""), o);
            }
            todo.addAll(c.getSubcommands().values());
        }
        // probe train and apply read either --input or --vcf, so their --input is optional and not counted here
        assertEquals(List.of("check-gradients", "embed", "score"), List.copyOf(required.keySet()));
        OptionSpec reference = CommandSpec.forAnnotatedObject(new InputFiles()).findOption("--input");
        required.forEach((command, o) -> {
            assertArrayEquals(reference.description(), o.description(), command);
            assertEquals(reference.paramLabel(), o.paramLabel(), command);
            assertEquals(reference.arity(), o.arity(), command);
        });
    }
}
