package org.evo2wb.app.ui.variants;

import java.util.List;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.variants.VariantRow;
import org.evo2wb.engine.variants.VariantScoring;
import org.evo2wb.engine.task.EngineTask;

/** Scores a VCF ({@link VariantScoring}, the same entry as {@code evo2wb variants}) and reads its table back. */
final class VariantsRunTask extends EngineTask<VariantsRunTask.Result> {

    record Result(VariantScoring.Summary summary, List<VariantRow> rows) {
    }

    private final StripedHyena model;
    private final VariantScoring.Request request;
    private final String labels;

    /**
     * @param labels the label setting as typed: an INFO key or a label table's path ({@link
     *               VariantScoring.Labels#parse}, read here, off the FX thread), or blank for none
     */
    VariantsRunTask(StripedHyena model, VariantScoring.Request request, String labels) {
        super("Score variants of " + request.vcf().getFileName());
        this.model = model;
        this.request = request;
        this.labels = labels.strip();
    }

    @Override
    protected Result call() throws Exception {
        VariantScoring.Request request = labels.isEmpty() ? this.request
                : this.request.withLabels(VariantScoring.Labels.parse(labels, null));
        VariantScoring.Summary s = VariantScoring.run(model, request, (phase, done, total) -> {
            message(phase);
            progress(Math.max(0, done), total);
        }, this::isCancelRequested);
        message(s.format());
        return new Result(s, VariantRow.readTsv(request.tsv()));
    }
}
