package org.evo2wb.engine.probe;

/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least squares) on
 * standardised features:
 *
 * <pre>
 *   z = (x − μ) / σ                          per feature, μ and σ from the training rows (σ = 1 where it is 0)
 *   P(y = 1 | x) = 1 / (1 + exp(−(w·z + b)))
 *   minimise  −Σᵢ log P(yᵢ | xᵢ) + (λ/2)‖w‖²  (the bias b is not penalised)
 * </pre>
 *
 * Each Newton step solves (ZᵀSZ + λI) Δ = gradient by Cholesky (S = diag(p(1 − p))); it stops when the largest
 * change is below 1e-8 or after 100 steps. The objective is strictly convex for λ &gt; 0, so the fit is unique.
 *
 * @param mean μ per feature
 * @param scale σ per feature
 * @param weights w (on standardised features)
 * @param bias b
 * @param lambda λ
 */
public record LogisticRegression(double[] mean, double[] scale, double[] weights, double bias, double lambda) {

    public static LogisticRegression fit(double[][] x, boolean[] y, double lambda) {
        if (lambda <= 0) {
            throw new IllegalArgumentException("the L2 strength must be positive, got " + lambda);
        }
        int n = x.length;
        int d = x[0].length;
        double[] mu = new double[d];
        double[] sd = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mu[j] += row[j] / n;
            }
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                sd[j] += (row[j] - mu[j]) * (row[j] - mu[j]) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            sd[j] = sd[j] > 1e-24 ? Math.sqrt(sd[j]) : 1;
        }
        double[][] z = new double[n][d + 1];              // last column: 1 for the bias
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mu[j]) / sd[j];
            }
            z[i][d] = 1;
        }
        double[] beta = new double[d + 1];
        for (int step = 0; step < 100; step++) {
            double[] grad = new double[d + 1];
            double[][] h = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double p = sigmoid(dot(z[i], beta));
                double r = (y[i] ? 1 : 0) - p;
                double s = Math.max(p * (1 - p), 1e-12);
                for (int a = 0; a <= d; a++) {
                    grad[a] += r * z[i][a];
                    double sa = s * z[i][a];
                    for (int c = 0; c <= a; c++) {
                        h[a][c] += sa * z[i][c];
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                grad[a] -= lambda * beta[a];
                h[a][a] += lambda;
            }
            h[d][d] += 1e-9;                                   // keeps the bias row positive definite
            double[] delta = Cholesky.solve(h, grad);
            double largest = 0;
            for (int a = 0; a <= d; a++) {
                beta[a] += delta[a];
                largest = Math.max(largest, Math.abs(delta[a]));
            }
            if (largest < 1e-8) {
                break;
            }
        }
        double[] w = java.util.Arrays.copyOf(beta, d);
        return new LogisticRegression(mu, sd, w, beta[d], lambda);
    }

    /** P(y = 1 | x). */
    public double probability(double[] x) {
        if (x.length != weights.length) {
            throw new IllegalArgumentException("the probe takes " + weights.length + " values per item, got "
                    + x.length);
        }
        double s = bias;
        for (int j = 0; j < x.length; j++) {
            s += weights[j] * (x[j] - mean[j]) / scale[j];
        }
        return sigmoid(s);
    }

    static double sigmoid(double t) {
        return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Solves a symmetric positive-definite system given by its lower triangle. */
    static final class Cholesky {
        private Cholesky() {
        }

        static double[] solve(double[][] lower, double[] b) {
            int n = b.length;
            double[][] l = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = lower[i][j];
                    for (int k = 0; k < j; k++) {
                        s -= l[i][k] * l[j][k];
                    }
                    if (i == j) {
                        if (s <= 0) {
                            throw new ArithmeticException("the Newton system is not positive definite");
                        }
                        l[i][i] = Math.sqrt(s);
                    } else {
                        l[i][j] = s / l[j][j];
                    }
                }
            }
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                double s = b[i];
                for (int k = 0; k < i; k++) {
                    s -= l[i][k] * t[k];
                }
                t[i] = s / l[i][i];
            }
            double[] x = new double[n];
            for (int i = n - 1; i >= 0; i--) {
                double s = t[i];
                for (int k = i + 1; k < n; k++) {
                    s -= l[k][i] * x[k];
                }
                x[i] = s / l[i][i];
            }
            return x;
        }
    }
}
