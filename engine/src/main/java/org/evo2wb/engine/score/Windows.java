package org.evo2wb.engine.score;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans the windows of a token sequence longer than the context, and which predictions each window contributes.
 *
 * <p>Tokens {@code T[0..N)} are cut into windows of at most C tokens starting at {@code s_k = k·(C − O)}, the last
 * one moved back to end exactly at N (so it is full length). Target t (1 ≤ t &lt; N, predicted from the logits at
 * t − 1) can be taken from any window holding both t − 1 and t; the rule is: <b>take each target from the window
 * where it has the most left context</b>, which is the earliest window containing it. Consequently the first window
 * contributes targets 1 … C − 1 and every later window contributes only targets that see at least O tokens of
 * left context inside it. With N ≤ C there is one window and the result equals an unchunked forward.
 *
 * @param start first token of the window
 * @param end one past the last token
 * @param firstTarget first target taken from this window
 * @param lastTarget last target taken (inclusive); firstTarget > lastTarget when the window contributes none
 */
public record Windows(int start, int end, int firstTarget, int lastTarget) {

    /** The windows covering {@code n} tokens with window length {@code c} and overlap {@code o} (1 ≤ o &lt; c). */
    public static List<Windows> plan(int n, int c, int o) {
        if (c < 2 || o < 1 || o >= c) {
            throw new IllegalArgumentException("need chunk length ≥ 2 and 1 ≤ overlap < length, got " + c + "/" + o);
        }
        List<Windows> out = new ArrayList<>();
        if (n <= c) {
            out.add(new Windows(0, n, 1, n - 1));
            return out;
        }
        List<Integer> starts = new ArrayList<>();
        for (int s = 0; s + c < n; s += c - o) {
            starts.add(s);
        }
        int lastStart = n - c;
        if (starts.get(starts.size() - 1) < lastStart) {
            starts.add(lastStart);
        }
        int next = 1;                                   // first target not yet taken
        for (int s : starts) {
            int e = s + c;
            int lastTarget = e - 1;                     // a window predicts targets s+1 .. e-1
            int first = Math.max(next, s + 1);
            out.add(new Windows(s, e, first, lastTarget));
            next = Math.max(next, lastTarget + 1);
        }
        return out;
    }

    public int length() {
        return end - start;
    }
}
