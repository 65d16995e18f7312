package org.evo2wb.engine.train.settings;

import static org.evo2wb.engine.train.settings.FineTuneParameters.ALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.evo2wb.engine.train.TrainingPlan;
import org.junit.jupiter.api.Test;

/** The declarations, and everything derived from them: validation, text parsing, presets, the run record. */
class FineTuneSettingsTest {

    @Test
    void everyDeclarationIsCompleteAndUnique() {
        Set<String> names = new HashSet<>();
        for (Hyperparameter<?> p : ALL) {
            assertTrue(names.add(p.name()), p.name());
            assertFalse(p.label().isBlank(), p.name());
            assertTrue(p.description().length() > 20, p.name());
            assertTrue(p.helpText().contains("Default: " + p.defaultText()), p.name());
            assertFalse(p.valueLabel().isBlank());
        }
        assertEquals(38, ALL.size());
        assertEquals(38, FineTuneParameters.byGroup().values().stream().mapToInt(List::size).sum());
        assertEquals(List.of(FineTuneParameters.METHOD, FineTuneParameters.LORA_RANK, FineTuneParameters.LORA_ALPHA,
                FineTuneParameters.LORA_DROPOUT, FineTuneParameters.LORA_TARGETS),
                FineTuneParameters.byGroup().get(Hyperparameter.Group.METHOD));
        long primary = ALL.stream().filter(p -> p.level() == Hyperparameter.Level.PRIMARY).count();
        assertEquals(9, primary,
                "a short form: method, rank, window, learning rate, batch, steps, epochs, time, device");
        for (String required : List.of("method", "lora-rank", "lora-alpha", "lora-dropout", "lora-targets",
                "learning-rate", "min-learning-rate", "warmup-steps", "weight-decay", "beta1", "beta2",
                "adam-epsilon", "clip-norm", "batch-size", "grad-accumulation", "window-length", "stride", "max-steps",
                "epochs", "max-time", "eval-every", "early-stopping-patience", "lowercase-loss-weight", "seed",
                "keep-last", "checkpoint-every", "precision", "device", "devices", "short-sequences", "mask-non-acgt")) {
            assertTrue(names.contains(required), required);
        }
    }

    @Test
    void defaultsFollowTheEvo2Recipes() {
        FineTuneSettings s = FineTuneSettings.defaults();
        assertEquals(FineTuneMethod.LORA, s.get(FineTuneParameters.METHOD));
        assertEquals(16, s.get(FineTuneParameters.LORA_RANK));
        assertEquals(32.0, s.get(FineTuneParameters.LORA_ALPHA));          // computed: 2 × rank
        assertEquals(0.9, s.get(FineTuneParameters.BETA1));
        assertEquals(0.95, s.get(FineTuneParameters.BETA2));
        assertEquals(1e-8, s.get(FineTuneParameters.EPSILON));
        assertEquals(0.1, s.get(FineTuneParameters.LOWERCASE_WEIGHT));
        assertEquals(2e-4, s.get(FineTuneParameters.LEARNING_RATE));
        assertEquals(2e-5, s.get(FineTuneParameters.MIN_LEARNING_RATE), 1e-18);   // computed: lr / 10
        assertEquals(1023, s.get(FineTuneParameters.STRIDE));             // computed: window length − 1
        assertNull(s.get(FineTuneParameters.WARMUP_STEPS));                // auto
        assertEquals("auto", s.text(FineTuneParameters.WARMUP_STEPS));
        assertEquals(FineTuneParameters.DEFAULT_LORA_TARGETS, s.get(FineTuneParameters.LORA_TARGETS));
        assertEquals(FineTuneSettings.Source.DEFAULT, s.source(FineTuneParameters.LORA_RANK));
    }

    @Test
    void computedDefaultsFollowTheirInputsUntilSetExplicitly() {
        FineTuneSettings s = FineTuneSettings.builder(null).set(FineTuneParameters.LORA_RANK, 4)
                .set(FineTuneParameters.METHOD, FineTuneMethod.FULL).set(FineTuneParameters.WINDOW_LENGTH, 512).build();
        assertEquals(8.0, s.get(FineTuneParameters.LORA_ALPHA));
        assertEquals(2e-5, s.get(FineTuneParameters.LEARNING_RATE));
        assertEquals(511, s.get(FineTuneParameters.STRIDE));
        FineTuneSettings t = s.toBuilder().set(FineTuneParameters.LORA_ALPHA, 1.0).build();
        assertEquals(1.0, t.get(FineTuneParameters.LORA_ALPHA));
        assertEquals(FineTuneSettings.Source.USER, t.source(FineTuneParameters.LORA_ALPHA));
        assertFalse(FineTuneParameters.LORA_RANK.isRelevant(s), "rank does not apply to full fine-tuning");
        assertTrue(FineTuneParameters.LORA_RANK.isRelevant(FineTuneSettings.defaults()));
    }

    @Test
    void aDerivedDefaultIsNotReportedForTheSettingItFollows() {
        List<SettingsProblem> problems = FineTuneSettings.builder(null).setText("learning-rate", "-1").problems();
        assertEquals(List.of("learning-rate"), problems.stream().flatMap(p -> p.settings().stream()).toList(),
                problems::toString);
        List<SettingsProblem> typed = FineTuneSettings.builder(null).setText("learning-rate", "-1")
                .setText("min-learning-rate", "-0.5").problems();
        assertEquals(List.of("learning-rate", "min-learning-rate"),
                typed.stream().flatMap(p -> p.settings().stream()).toList(), typed::toString);
        List<SettingsProblem> alone = FineTuneSettings.builder(null).setText("min-learning-rate", "2").problems();
        assertEquals(List.of("min-learning-rate"), alone.stream().flatMap(p -> p.settings().stream()).toList());
    }

    @Test
    void validationReportsEveryProblemAtOnce() {
        FineTuneSettings.Builder b = FineTuneSettings.builder(null)
                .setText("learning-rate", "5")                  // above 1
                .setText("lora-rank", "zero")                   // not a number
                .setText("batch-size", "0")                     // below 1
                .setText("stride", "2048")                      // longer than the window: a rule between settings
                .setText("device", "tpu")                       // declared check
                .setText("precision", "fp8")                    // not a choice
                .setText("no-such-setting", "1")
                .setText("max-time", "soon");
        List<SettingsProblem> problems = b.problems();
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, b::build);
        assertEquals(problems, e.problems());
        assertEquals(8, problems.size(), e.getMessage());
        String m = e.getMessage();
        assertTrue(m.contains("--precision: 'fp8' is not one of fp32, tf32, fp16"), m);
        assertTrue(m.startsWith("8 problems with the fine-tuning settings:"), m);
        assertTrue(m.contains("--learning-rate: 5 is outside the allowed range (> 0 and ≤ 1)"), m);
        assertTrue(m.contains("--lora-rank: 'zero' is not a whole number"), m);
        assertTrue(m.contains("--batch-size: 0 is outside the allowed range (≥ 1 and ≤ 4096 windows)"), m);
        assertTrue(m.contains("--stride, --window-length: a stride of 2048 bases is longer than a window's 1023 bases"),
                m);
        assertTrue(m.contains("--device: 'tpu' is not auto, cpu, gpu or gpu:N"), m);
        assertTrue(m.contains("--no-such-setting: unknown setting 'no-such-setting'"), m);
        assertTrue(m.contains("--max-time: 'soon' is not a duration"), m);
    }

    @Test
    void rulesBetweenSettings() {
        List<SettingsProblem> p = FineTuneSettings.builder(null).set(FineTuneParameters.WINDOW_LENGTH, 100)
                .set(FineTuneParameters.STRIDE, 200).set(FineTuneParameters.MAX_STEPS, 10)
                .set(FineTuneParameters.WARMUP_STEPS, 10).set(FineTuneParameters.PATIENCE, 3)
                .set(FineTuneParameters.VALIDATION_FRACTION, 0.0).problems();
        assertEquals(3, p.size(), p.toString());
        assertEquals(List.of("stride", "window-length"), p.get(0).settings());
        assertEquals(List.of("warmup-steps", "max-steps"), p.get(1).settings());
        assertEquals(List.of("early-stopping-patience", "validation-fraction"), p.get(2).settings());
        assertTrue(FineTuneSettings.builder(null).set(FineTuneParameters.STRIDE, 99).set(FineTuneParameters.WINDOW_LENGTH,
                100).problems().isEmpty(), "99 bases of a 100-token window: no gap");
    }

    @Test
    void textFormsParseBackToTheSameValues() {
        FineTuneSettings s = FineTuneSettings.builder(Preset.THOROUGH_LORA)
                .setText("max-time", "1h30m").setText("lora-targets", "Wqkv, mlp.l1 ,out_proj")
                .setText("learning-rate", "3e-4").setText("mask-non-acgt", "off").setText("warmup-steps", "auto")
                .setText("seed", "1_000").setText("method", "LORA").setText("short-sequences", "reject")
                .setText("reverse-complement", "both").build();
        assertEquals(org.evo2wb.bio.dataset.ReverseComplementMode.BOTH, s.get(FineTuneParameters.REVERSE_COMPLEMENT));
        assertEquals(List.of("none", "both", "random"), FineTuneParameters.REVERSE_COMPLEMENT.choices());
        assertEquals(Duration.ofMinutes(90), s.get(FineTuneParameters.MAX_TIME));
        assertEquals(List.of("Wqkv", "mlp.l1", "out_proj"), s.get(FineTuneParameters.LORA_TARGETS));
        assertEquals(3e-4, s.get(FineTuneParameters.LEARNING_RATE));
        assertFalse(s.get(FineTuneParameters.MASK_NON_ACGT));
        assertEquals(1000L, s.get(FineTuneParameters.SEED));
        assertEquals(ShortSequencePolicy.REJECT, s.get(FineTuneParameters.SHORT_SEQUENCES));
        FineTuneSettings.Builder again = FineTuneSettings.builder(Preset.THOROUGH_LORA);
        for (Hyperparameter<?> p : ALL) {
            again.setText(p.name(), s.text(p));
        }
        assertEquals(s, again.build());
        assertEquals("1h30m", s.text(FineTuneParameters.MAX_TIME));
        assertEquals("3e-4", s.text(FineTuneParameters.LEARNING_RATE));
        assertEquals("0.95", s.text(FineTuneParameters.BETA2));
        assertEquals(Duration.ofMillis(1500), ValueType.parseDuration("1.5s"));
        assertEquals(Duration.ofDays(2), ValueType.parseDuration("2d"));
    }

    @Test
    void presetsChangeDefaultsAndTheUserWins() {
        FineTuneSettings quick = FineTuneSettings.builder(Preset.QUICK_LORA).build();
        assertEquals(8, quick.get(FineTuneParameters.LORA_RANK));
        assertEquals(16.0, quick.get(FineTuneParameters.LORA_ALPHA));
        assertEquals(FineTuneSettings.Source.PRESET, quick.source(FineTuneParameters.LORA_RANK));
        FineTuneSettings full = FineTuneSettings.builder(Preset.FULL).set(FineTuneParameters.EPOCHS, 5).build();
        assertEquals(FineTuneMethod.FULL, full.get(FineTuneParameters.METHOD));
        assertEquals(0.1, full.get(FineTuneParameters.WEIGHT_DECAY));
        assertEquals(2e-5, full.get(FineTuneParameters.LEARNING_RATE));
        assertEquals(5, full.get(FineTuneParameters.EPOCHS));
        FineTuneSettings thorough = FineTuneSettings.builder(Preset.THOROUGH_LORA).build();
        assertEquals(32, thorough.get(FineTuneParameters.LORA_RANK));
        assertEquals(5, thorough.get(FineTuneParameters.PATIENCE));
        for (Preset p : Preset.values()) {
            assertTrue(FineTuneSettings.builder(p).problems().isEmpty(), p.key());
            assertEquals(p, Preset.byKey(p.key()));
        }
    }

    @Test
    void theRunRecordRoundTripsAndNamesTheFileOnErrors() {
        FineTuneSettings s = FineTuneSettings.builder(Preset.QUICK_LORA).set(FineTuneParameters.BATCH_SIZE, 2)
                .set(FineTuneParameters.MAX_TIME, Duration.ofHours(2)).build();
        var json = s.toJson();
        assertEquals("quick-lora", json.get("preset").getAsString());
        assertEquals("auto", json.getAsJsonObject("values").get("warmup-steps").getAsString());
        assertEquals("2h", json.getAsJsonObject("values").get("max-time").getAsString());
        assertEquals(1, json.getAsJsonArray("set-by-user").size() - 1);
        assertEquals(s, FineTuneSettings.fromJson(json, "run.json"));
        json.getAsJsonObject("values").addProperty("batch-size", "-3");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> FineTuneSettings.fromJson(json, "/runs/a/run.json"));
        assertTrue(e.getMessage().contains("in /runs/a/run.json") && e.getMessage().contains("--batch-size"),
                e.getMessage());
    }

    @Test
    void thePlanResolvesAutoValuesFromTheData() {
        FineTuneSettings s = FineTuneSettings.builder(null).set(FineTuneParameters.BATCH_SIZE, 4)
                .set(FineTuneParameters.GRAD_ACCUMULATION, 2).set(FineTuneParameters.EPOCHS, 3).build();
        TrainingPlan p = TrainingPlan.resolve(s, 1001, 90);
        assertEquals(251, p.batchesPerEpoch());
        assertEquals(377, p.plannedSteps());                  // ⌈3 · 251 / 2⌉
        assertEquals(11, p.warmupSteps());                    // ⌊3 % of 377⌋
        assertEquals(37, p.evalEvery());
        assertEquals(37, p.checkpointEvery());
        assertEquals(23, p.evalBatches());
        TrainingPlan capped = TrainingPlan.resolve(s.toBuilder().set(FineTuneParameters.MAX_STEPS, 100).build(), 1001, 0);
        assertEquals(100, capped.plannedSteps());
        assertEquals(0, capped.evalBatches());
        TrainingPlan unlimited = TrainingPlan.resolve(FineTuneSettings.builder(null)
                .set(FineTuneParameters.MAX_STEPS, 5000).build(), 40, 0);
        assertEquals(5000, unlimited.plannedSteps(), "max steps alone repeats the data as needed");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> TrainingPlan.resolve(
                s.toBuilder().set(FineTuneParameters.WARMUP_STEPS, 50).build(), 40, 0));
        assertTrue(e.getMessage().contains("warm-up (50 steps) must be shorter than the planned run (15 steps"),
                e.getMessage());
    }

    @Test
    void argumentsGiveTheSameSettingsOnACommandLine() {
        FineTuneSettings s = FineTuneSettings.builder(Preset.QUICK_LORA).setText("learning-rate", "5e-4")
                .setText("warmup-steps", "auto").setText("lora-targets", "Wqkv,mlp.l1").setText("max-time", "45m")
                .build();
        List<String> args = s.arguments();
        assertEquals(List.of("--preset", "quick-lora", "--lora-targets", "Wqkv,mlp.l1", "--learning-rate", "5e-4",
                "--warmup-steps", "auto", "--max-time", "45m"), args);
        FineTuneSettings.Builder again = FineTuneSettings.builder(Preset.byKey(args.get(1)));
        for (int i = 2; i < args.size(); i += 2) {
            again.setText(args.get(i), args.get(i + 1));
        }
        assertEquals(s, again.build());
        assertEquals(List.of(), FineTuneSettings.defaults().arguments());
    }

    @Test
    void currentSettingsFollowTheFormWhileValuesAreStillWrong() {
        FineTuneSettings.Builder b = FineTuneSettings.builder(null).setText("method", "full")
                .setText("learning-rate", "7").setText("lora-rank", "many");
        assertEquals(2, b.problems().size());
        FineTuneSettings now = b.current();
        assertEquals(FineTuneMethod.FULL, now.get(FineTuneParameters.METHOD));
        assertFalse(FineTuneParameters.LORA_RANK.isRelevant(now), "greyed out for full fine-tuning");
        assertEquals(7.0, now.get(FineTuneParameters.LEARNING_RATE), "kept although out of range");
        assertEquals(0.7, now.get(FineTuneParameters.MIN_LEARNING_RATE), 1e-12, "computed from what is typed");
        assertEquals(16, now.get(FineTuneParameters.LORA_RANK), "text that did not parse counts as not set");
    }
}
