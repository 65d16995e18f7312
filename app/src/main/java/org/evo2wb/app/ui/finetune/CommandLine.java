package org.evo2wb.app.ui.finetune;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.engine.train.data.RecordSelection;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * The {@code evo2wb finetune} command line equivalent to the form (as LlamaBoard's "preview command"): the starting
 * model, the preset and every setting the user changed (the engine's {@link FineTuneSettings#arguments()}), the runs
 * folder and the sequence files. A record subset, a feature type or hand-chosen validation records have no flags; a
 * comment line says so.
 */
final class CommandLine {

    private CommandLine() {
    }

    static String of(LoadedModel model, RecordSelection selection, FineTuneSettings settings, Path runs,
                     boolean allRecords) {
        List<String> lines = new ArrayList<>();
        lines.add("evo2wb finetune");
        lines.add("--model " + quote(model == null ? "<model>" : model.source().weights().toString()));
        List<String> args = settings.arguments();
        for (int i = 0; i + 1 < args.size(); i += 2) {
            lines.add(args.get(i) + " " + quote(args.get(i + 1)));
        }
        lines.add("--runs " + quote(runs.toString()));
        List<String> files = selection.files().stream().map(p -> quote(p.toString())).toList();
        lines.add(files.isEmpty() ? "<sequence files>" : String.join(" ", files));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(i == 0 ? "" : "  ").append(lines.get(i)).append(i < lines.size() - 1 ? " \\\n" : "");
        }
        List<String> notes = new ArrayList<>();
        if (!allRecords) {
            notes.add("only the ticked records");
        }
        if (selection.featureType() != null) {
            notes.add("only the " + selection.featureType() + " features");
        }
        if (selection.validationChosen()) {
            notes.add("hand-chosen validation records");
        }
        if (!notes.isEmpty()) {
            b.append("\n# this run uses ").append(String.join(", ", notes))
                    .append(": the command line trains on every record of the files");
        }
        return b.toString();
    }

    /** Single quotes around text with characters a shell would interpret. */
    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:,=+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
