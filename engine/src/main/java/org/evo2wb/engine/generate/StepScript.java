package org.evo2wb.engine.generate;

import ai.djl.pytorch.engine.PtSymbolBlock;
import java.util.Locale;
import org.evo2wb.engine.model.TorchScriptModule;

/**
 * One decoding step of each Evo 2 block kind as one TorchScript method: the block's norms, projections, filter or
 * attention, gated MLP and residual adds on one position, its state updated in place. One call per block replaces
 * the block's ~40 DJL operator calls ({@link BlockState#step}, the reference), which made generation on a GPU wait
 * on the host. The module has no parameters: each method takes the block's tensors and state as lists
 * ({@link BlockState#scriptWeights}, {@link BlockState#scriptState}); see {@link TorchScriptModule} for how it is
 * written and loaded.
 *
 * <p>Every method computes what the DJL step computes, operator for operator: RMSNorm with eps added to the RMS
 * ({@code c[0]} = D^(-1/2), {@code c[1]} = eps; {@code c[2]} = d_h^(-1/2) scales attention's query), linear layers in
 * the weights' type with the input cast to it and the product widened to fp32 (fp16-mixed: fp16 weights; fp32: no
 * casts), fp32 residual stream, short convolution and filters in fp32, the hcl modes in float64, GELU only where
 * {@code gelu} is set (block 0). Shapes: x (B, 1, D), one position per row, as the DJL step. A linear layer with a
 * bias adds it after the product, as DJL's {@code linear} does for inputs of three axes (PyTorch's own {@code linear}
 * would fold it into the product and, in fp16, round once less).
 *
 * <p>Tensors of a block ({@code w}): 0 pre-norm scale, 1 post-norm scale, 2–4 l1, l2, l3; Hyena: 5 Wp, 6 short taps
 * (3D, 3), 7 Wd, 8 bd, 9… the filter's (hcs: taps (D, 7); hcm: flipped taps (D, 128), skip; hcl: exp(λ), R (D, S),
 * skip); attention: 5 Wqkv, 6 Wo, 7 bo. State ({@code s}): Hyena: the projections' window (B, 3D, 6), then the
 * filter's (an FIR window (B, D, 2K) as {@link FirWindow} lays it out, or the hcl modes (B, D, S)); attention: K and
 * V (B, H, capacity, d_h), cos θ and sin θ tables (capacity, d_h/2).
 *
 * <p>Which step runs is set by the system property {@value #PROPERTY} ({@code script}, the default, or {@code ops}).
 * The script is the default on the CPU too: for the bundled model it stepped in about half the time of the DJL
 * operators (docs/decisions/0027-one-call-per-block-when-generating.md).
 */
final class StepScript {

    /** System property choosing the decoding step: {@code script} (the default) or {@code ops}. */
    static final String PROPERTY = "evo2wb.generation";

    /** The module's methods (TorchScript's serialized syntax). */
    static final String METHODS = """
              def rms(self: __torch__.Evo2Step,
                x: Tensor,
                scale: Tensor,
                c: List[float]) -> Tensor:
                r = torch.add(torch.mul(torch.norm(x, 2, [-1], True), c[0]), c[1])
                return torch.mul(torch.div(x, r), scale)
              def linear(self: __torch__.Evo2Step,
                x: Tensor,
                w: Tensor,
                b: Optional[Tensor]) -> Tensor:
                y = torch.matmul(torch.to(x, ops.prim.dtype(w)), torch.t(w))
                if b is not None:
                  y = torch.add_(y, b)
                return torch.to(y, 6)
              def mlp(self: __torch__.Evo2Step,
                h: Tensor,
                w: List[Tensor],
                c: List[float],
                gelu: bool) -> Tensor:
                n = torch.to((self).rms(h, w[1], c), ops.prim.dtype(w[2]))
                a = torch.linear(n, w[2], None)
                if gelu:
                  a = torch.gelu(a)
                ab = torch.mul(a, torch.linear(n, w[3], None))
                return torch.add(torch.to(torch.linear(ab, w[4], None), 6), h)
              def fir(self: __torch__.Evo2Step,
                ring: Tensor,
                x: Tensor,
                taps: Tensor,
                pos: int) -> Tensor:
                k = torch.floordiv(torch.size(ring, 2), 2)
                j = torch.remainder(pos, k)
                _0 = torch.copy_(torch.select(ring, 2, j), x)
                _1 = torch.copy_(torch.select(ring, 2, torch.add(j, k)), x)
                window = torch.slice(ring, 2, torch.add(j, 1), torch.add(torch.add(j, 1), k))
                return torch.sum(torch.mul(window, taps), [2])
              def gates(self: __torch__.Evo2Step,
                x: Tensor,
                w: List[Tensor],
                s: List[Tensor],
                pos: int,
                c: List[float]) -> Tuple[Tensor, Tensor]:
                b = torch.size(x, 0)
                z = torch.reshape((self).linear((self).rms(x, w[0], c), w[5], None), [b, -1])
                s3 = torch.reshape((self).fir(s[0], z, w[6], pos), [b, torch.size(x, 2), 3])
                u = torch.mul(torch.select(s3, 2, 1), torch.select(s3, 2, 2))
                return (torch.select(s3, 2, 0), u)
              def hyena_out(self: __torch__.Evo2Step,
                x: Tensor,
                f: Tensor,
                q: Tensor,
                w: List[Tensor],
                c: List[float],
                gelu: bool) -> Tensor:
                y = torch.reshape(torch.mul(f, q), [torch.size(x, 0), 1, torch.size(x, 2)])
                h = torch.add((self).linear(y, w[7], w[8]), x)
                return (self).mlp(h, w, c, gelu)
              def hcs(self: __torch__.Evo2Step,
                x: Tensor,
                w: List[Tensor],
                s: List[Tensor],
                pos: int,
                c: List[float],
                gelu: bool) -> Tensor:
                q, u = (self).gates(x, w, s, pos, c)
                return (self).hyena_out(x, (self).fir(s[1], u, w[9], pos), q, w, c, gelu)
              def hcm(self: __torch__.Evo2Step,
                x: Tensor,
                w: List[Tensor],
                s: List[Tensor],
                pos: int,
                c: List[float],
                gelu: bool) -> Tensor:
                q, u = (self).gates(x, w, s, pos, c)
                f = torch.add((self).fir(s[1], u, w[9], pos), torch.mul(u, w[10]))
                return (self).hyena_out(x, f, q, w, c, gelu)
              def hcl(self: __torch__.Evo2Step,
                x: Tensor,
                w: List[Tensor],
                s: List[Tensor],
                pos: int,
                c: List[float],
                gelu: bool) -> Tensor:
                q, u = (self).gates(x, w, s, pos, c)
                modes = torch.add_(torch.mul_(s[1], w[9]), torch.unsqueeze(torch.to(u, 7), 2))
                f = torch.add(torch.to(torch.sum(torch.mul(modes, w[10]), [2]), 6), torch.mul(u, w[11]))
                return (self).hyena_out(x, f, q, w, c, gelu)
              def attn(self: __torch__.Evo2Step,
                x: Tensor,
                w: List[Tensor],
                s: List[Tensor],
                pos: int,
                c: List[float],
                gelu: bool) -> Tensor:
                keys = s[0]
                values = s[1]
                dh = torch.size(keys, 3)
                half = torch.floordiv(dh, 2)
                qkv = (self).linear((self).rms(x, w[0], c), w[5], None)
                qkv = torch.reshape(qkv, [torch.size(x, 0), torch.size(keys, 1), 3, dh])
                qk = torch.slice(qkv, 2, 0, 2)
                lo = torch.slice(qk, 3, 0, half)
                hi = torch.slice(qk, 3, half, dh)
                cos = torch.select(s[2], 0, pos)
                sin = torch.select(s[3], 0, pos)
                rot = torch.cat([torch.sub(torch.mul(lo, cos), torch.mul(hi, sin)),
                                 torch.add(torch.mul(lo, sin), torch.mul(hi, cos))], 3)
                q = torch.mul(torch.slice(rot, 2, 0, 1), c[2])
                n = torch.add(pos, 1)
                _0 = torch.copy_(torch.slice(keys, 2, pos, n), torch.slice(rot, 2, 1, 2))
                _1 = torch.copy_(torch.slice(values, 2, pos, n), torch.slice(qkv, 2, 2, 3))
                p = torch.softmax(torch.matmul(q, torch.transpose(torch.slice(keys, 2, 0, n), 2, 3)), -1)
                a = torch.reshape(torch.matmul(p, torch.slice(values, 2, 0, n)), [torch.size(x, 0), 1, torch.size(x, 2)])
                h = torch.add((self).linear(a, w[6], w[7]), x)
                return (self).mlp(h, w, c, gelu)
              def head(self: __torch__.Evo2Step,
                x: Tensor,
                w: List[Tensor],
                c: List[float]) -> Tensor:
                return (self).linear((self).rms(x, w[0], c), w[1], None)
            """;

    private static final TorchScriptModule.Lazy MODULE = new TorchScriptModule.Lazy("Evo2Step", METHODS);

    private StepScript() {
    }

    /** Whether decoding runs the scripted step (see {@link #PROPERTY}). */
    static boolean chosen() {
        String set = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        return switch (set) {
            case "script", "" -> true;
            case "ops" -> false;
            default -> throw new IllegalArgumentException(PROPERTY + " must be script or ops, got '" + set + "'");
        };
    }

    /** The loaded module (once per process). */
    static PtSymbolBlock module() {
        return MODULE.get();
    }
}
