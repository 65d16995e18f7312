package org.evo2wb.engine.score;

import java.util.List;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;

/** Runs a {@link SelfTest} in the background; progress counts tokens through the model. */
public final class SelfTestTask extends EngineTask<SelfTest.Report> {

    private final StripedHyena model;
    private final List<SelfTest.Case> cases;

    public SelfTestTask(StripedHyena model, List<SelfTest.Case> cases) {
        super("Self-test");
        this.model = model;
        this.cases = List.copyOf(cases);
    }

    @Override
    protected SelfTest.Report call() {
        long total = SelfTest.plannedTokens(model, cases);
        progress(0, total);
        message("Scoring " + cases.size() + " sequences");
        SelfTest.Report r = SelfTest.run(model, cases, done -> progress(done, total), this::isCancelRequested);
        message(r.summary());
        return r;
    }
}
