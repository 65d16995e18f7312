package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * RMSNorm as Evo 2 computes it, with eps added to the RMS (outside the square root):
 * <pre>
 *   y = scale ⊙ x / ( ‖x‖₂ · D^(-1/2) + eps )
 * </pre>
 * Legend: x (B, L, D), scale (D), the norm taken over the last axis D. NeMo's fused RMSNorm puts eps inside the
 * root; the released vortex weights need it outside (spec §3.1).
 */
public final class RmsNorm {

    private final String key;
    private final NDArray scale;
    private final float eps;
    private final double invSqrtD;

    public RmsNorm(ParameterSource src, String key, long d, double eps) {
        this.key = key;
        this.scale = src.get(key, ParameterKind.NORM_SCALE, d);
        this.eps = (float) eps;
        this.invSqrtD = Math.pow(d, -0.5);
    }

    public NDArray forward(NDArray x) {
        NDArray norm = x.norm(new int[] {-1}, true);
        NDArray scaled = Scalars.mul(norm, invSqrtD);
        norm.close();
        NDArray rms = scaled.add(eps);
        scaled.close();
        NDArray unit = x.div(rms);
        rms.close();
        NDArray y = unit.mul(scale);
        unit.close();               // freed once read; autograd keeps what backward needs
        return y;
    }

    /** The scale (D). */
    public NDArray scale() {
        return scale;
    }

    /** eps, added to the RMS. */
    public float eps() {
        return eps;
    }

    /** D^(-1/2), the factor that turns the 2-norm into the RMS. */
    public double inverseSqrtWidth() {
        return invSqrtD;
    }

    public void visitParameters(ParameterVisitor v) {
        v.visit(key, ParameterKind.NORM_SCALE, scale);
    }
}
