"""Mistakes students make, per problem, written as the wrong answer they give and the note
that names it. The checker computes each wrong answer at the same random points as the
student's (they are read by the same reader), so a note is given only when the numbers
say the student's answer is that mistake (or that mistake with its sign flipped, scaled,
or transposed: several mistakes at once are named together).

"gradient" mistakes are compared with the gradient implied by an update rule,
(w_t - answer)/η, so that `w_t - η (wrong gradient)` gets the wrong gradient's note.
Generic mistakes (a missing transpose, a flipped sign, a constant factor, an extra 1/N,
a missing term of the gradient) need no entry here: the checker finds them itself.
"""

ANSWER = "answer"
GRADIENT = "gradient"

# problem -> [(level, wrong answer, note)]
MISTAKES = {
    "p1a": [
        (ANSWER, "X^T", "only one of the two terms of the product rule: X appears twice in "
                        "tr(X²) = Σ_ij X_ij X_ji, so the derivative is Xᵀ + Xᵀ = 2Xᵀ"),
    ],
    "p1b": [
        (ANSWER, "(X^2)^T", "only one of the three terms of the product rule: X appears "
                            "three times in tr(X³)"),
        (ANSWER, "2 (X^2)^T", "two of the three terms of the product rule: X appears three "
                              "times in tr(X³)"),
        (ANSWER, "3 X^T X", "Xᵀ X is not (X²)ᵀ = Xᵀ Xᵀ"),
        (ANSWER, "3 (X^3)^T", "wrong exponent: the derivative of tr(X³) has X², one power less"),
    ],
    "p1c": [
        (ANSWER, "k (X^k)^T", "wrong exponent: the derivative of tr(X^k) has X^(k-1), one "
                              "power less"),
        (ANSWER, "k (X^{k+1})^T", "wrong exponent: the derivative of tr(X^k) has X^(k-1)"),
        (ANSWER, "(k-1) (X^{k-1})^T", "wrong factor: k (one term for each of the k factors "
                                      "X), not k - 1"),
        (ANSWER, "(X^{k-1})^T", "missing the factor k: each of the k factors X gives one term"),
        (ANSWER, "k (X^{k-2})^T", "wrong exponent: X^(k-1), not X^(k-2)"),
        (ANSWER, "k X^T", "X^(k-1) is missing its exponent: k (X^(k-1))ᵀ"),
    ],
    "p4": [
        (ANSWER, "X^T (y - X w)", "this is the gradient (up to 1/σ²), not w: set it to zero and "
                                  "solve, w = (XᵀX)⁻¹Xᵀy"),
        (ANSWER, "X^T X w - X^T y", "this is the gradient set to zero (the normal equations "
                                    "XᵀXw = Xᵀy), not w: solve them, w = (XᵀX)⁻¹Xᵀy"),
        (ANSWER, "(X^T X) X^T y", "missing the inverse: (XᵀX)⁻¹, not XᵀX"),
        (ANSWER, "X^T y", "missing (XᵀX)⁻¹: w = (XᵀX)⁻¹Xᵀy"),
    ],
    "p5": [
        (ANSWER, "A", "this is A itself; ∂tr(AᵀB)/∂A = B"),
        (ANSWER, "A^T B", "∂tr(AᵀB)/∂A is B, not AᵀB: tr(AᵀB) = Σ_ij A_ij B_ij"),
    ],
    "p6": [
        (ANSWER, "X w", "missing the term Xᵀw: w appears twice in wᵀXw (product rule)"),
        (ANSWER, "X^T w", "missing the term Xw: w appears twice in wᵀXw (product rule)"),
    ],
    "p2": [
        (GRADIENT, "X^T (sigma(X w) - y) + w", "the regularisation term's derivative is 2w "
                                               "(‖w‖² = wᵀw), not w"),
        (GRADIENT, "X^T (y - sigma(X w)) + 2 w", "the data term's sign is flipped: "
                                                 "Xᵀ(σ(Xw) - y), not Xᵀ(y - σ(Xw))"),
    ],
    "p3": [
        (GRADIENT, "sum_{i=1}^{N} (f(x_i) - y_i) x_i",
         "f is treated as the logistic sigmoid: its derivative ½(1 - f(x_i)²) = "
         "2σ(1 - σ) is missing from each term"),
        (GRADIENT, "sum_{i=1}^{N} (f(x_i) - y_i) f(x_i) (1 - f(x_i)) x_i",
         "f'(z) taken as f(1 - f), the logistic sigmoid's; for this f it is ½(1 - f²)"),
        (GRADIENT, "sum_{i=1}^{N} (f(x_i) - y_i) sigma(w^T x_i) (1 - sigma(w^T x_i)) x_i",
         "missing the factor 2 of f' = 2σ(1 - σ)"),
        (GRADIENT, "sum_{i=1}^{N} (f(x_i) - y_i) (1 - f(x_i)^2) x_i",
         "missing the factor ½ of f' = ½(1 - f²)"),
        (GRADIENT, "sum_{i=1}^{N} (f(x_i) - y_i) (1 - f(x_i)) x_i / 2",
         "f' is ½(1 - f²) = ½(1 - f)(1 + f): the factor (1 + f) is missing"),
        (GRADIENT, "sum_{i=1}^{N} (f(x_i) - y_i) (1 - y_i f(x_i)) x_i / 2",
         "y_i² = 1 used where it does not hold: f' = ½(1 - f²) has no y_i"),
        (GRADIENT, "sum_{i=1}^{N} (1 - y_i f(x_i)) (1 - f(x_i)^2) x_i / 2",
         "(f - y_i) rewritten with y_i² = 1 where it does not hold"),
    ],
    "p7a": [
        (ANSWER, "(g - y) w_{2,j}", "missing σ' of the output node: g(1 - g)"),
        (ANSWER, "(g - y) g (1 - g)", "missing w_{2,j}: ∂(Σ_d w_{2,d} h_d)/∂h_j = w_{2,j}"),
        (ANSWER, "(g - y) g (1 - g) h_j", "h_j where w_{2,j} belongs: "
                                          "∂(Σ_d w_{2,d} h_d)/∂h_j = w_{2,j}"),
        (ANSWER, "(g - y) (1 - g) w_{2,j}", "σ' of the output node is g(1 - g): the factor g "
                                            "is missing"),
        (ANSWER, "g (1 - g) w_{2,j}", "missing the factor (g - y), the derivative of "
                                      "½(g - y)²"),
    ],
    "p7b": [
        (ANSWER, "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} z_m(x_i)",
         "missing σ'(…) of node h_d: ∂h_d/∂w_{1,d,m} = σ'(Σ_n w_{1,d,n} z_n) z_m"),
        (ANSWER, "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} h_d(x_i) "
                 "(1 - h_d(x_i)) z_m(x_i)",
         "a dropped residual term: h_d(x) = x_d + σ(…), so σ' is (h_d - x_d)(1 - h_d + x_d), "
         "not h_d(1 - h_d)"),
        (ANSWER, "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} "
                 "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} "
                 "z_n(x_i))) z_d(x_i)",
         "a wrong node index: z_d where z_m belongs (w_{1,d,m} multiplies z_m)"),
        (ANSWER, "sum_{i=1}^{N} (g(x_i) - y_i) w_{2,d} "
                 "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} "
                 "z_n(x_i))) z_m(x_i)",
         "missing σ' of the output node: g(1 - g)"),
        (ANSWER, "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) "
                 "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} "
                 "z_n(x_i))) z_m(x_i)",
         "missing w_{2,d}: the output node weighs h_d by w_{2,d}"),
        (ANSWER, "sum_{i=1}^{N} (g(x_i) - y_i) g(x_i) (1 - g(x_i)) w_{2,d} "
                 "sigma(sum_{n=1}^{M} w_{1,d,n} z_n(x_i)) (1 - sigma(sum_{n=1}^{M} w_{1,d,n} "
                 "z_n(x_i))) w_{1,d,m}",
         "w_{1,d,m} where z_m(x_i) belongs: ∂(Σ_n w_{1,d,n} z_n)/∂w_{1,d,m} = z_m"),
    ],
}


def mistakes(problem_id):
    return MISTAKES.get(problem_id, [])
