package org.evo2wb.engine.train.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The fine-tuning settings as command-line options, generated from their declarations
 * ({@link FineTuneParameters#ALL}): one option {@code --<name>} per {@link Hyperparameter}, with its value label,
 * its help text (description, default, range, choices, when it applies) and a help section per
 * {@link Hyperparameter.Group}. A few common settings also answer to a short name ({@link #ALIASES}). Commands name
 * it as their {@code modelTransformer} ({@code evo2wb finetune}, {@code pretrain}, {@code bench train}).
 *
 * <p>Options take their value as text: parsing and checking are left to {@link FineTuneSettings.Builder}, which
 * reports every problem at once instead of stopping at the first.
 */
public final class SettingFlags implements IModelTransformer {

    /** Short names for the settings typed most often. */
    public static final Map<String, String> ALIASES = Map.of(
            "learning-rate", "--lr",
            "lora-rank", "--rank",
            "lora-alpha", "--alpha",
            "max-steps", "--steps",
            "window-length", "--window",
            "batch-size", "--batch",
            "activation-checkpointing", "--checkpointing");

    @Override
    public CommandSpec transform(CommandSpec spec) {
        for (Hyperparameter.Group g : Hyperparameter.Group.values()) {
            ArgGroupSpec.Builder group = ArgGroupSpec.builder().heading("%n" + g.title() + ":%n").exclusive(false)
                    .validate(false).multiplicity("0..1");
            for (Hyperparameter<?> p : FineTuneParameters.ALL) {
                if (p.group() == g) {
                    group.addArg(option(p));
                }
            }
            if (!group.args().isEmpty()) {
                spec.addArgGroup(group.build());
            }
        }
        return spec;
    }

    public static OptionSpec option(Hyperparameter<?> p) {
        String alias = ALIASES.get(p.name());
        String[] names = alias == null ? new String[] {p.flag()} : new String[] {p.flag(), alias};
        return OptionSpec.builder(names).paramLabel(p.valueLabel()).type(String.class).arity("1")
                .description(p.helpText().replace("%", "%%")).build();
    }

    /** The settings given on the command line, by declaration, as typed. */
    public static Map<Hyperparameter<?>, String> given(CommandSpec spec) {
        Map<Hyperparameter<?>, String> out = new LinkedHashMap<>();
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            OptionSpec o = spec.findOption(p.flag());
            if (o == null) {
                throw new IllegalStateException("no option " + p.flag() + " was generated");
            }
            String value = o.getValue();
            if (value != null) {
                out.put(p, value);
            }
        }
        return out;
    }

    /** Parses the given values into {@code b}; returns every problem (text that does not parse, ranges, rules). */
    public static List<SettingsProblem> apply(FineTuneSettings.Builder b, Map<Hyperparameter<?>, String> given) {
        given.forEach((p, text) -> b.setText(p.name(), text));
        return new ArrayList<>(b.problems());
    }
}
