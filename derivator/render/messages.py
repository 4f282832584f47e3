"""What each rule and section is called, and the one-line explanation of a step, in
English and Korean. The Korean captions are the lecture's own where it has one."""
import sympy as sp
from sympy.core.function import AppliedUndef


# rule id -> (title, explanation) per language; {names} are filled from Step.params.
RULES = {
    "definition": {
        "en": ("definition", "Definition of {name}"),
        "ko": ("정의", "{name}의 정의"),
    },
    "into_sum": {
        "en": ("derivative into the sum", "The derivative moves inside the sum (linearity){outside}"),
        # not "합의 미분": that is the sum rule's name (합·차의 미분), a different step
        "ko": ("Σ 안으로 미분", "편미분 기호는 안으로 들어갈 수 있다{outside}"),
    },
    "sum_rule": {
        "en": ("sum rule", "Derivative of a sum or difference: differentiate term by term"),
        "ko": ("합·차의 미분", "편미분 기호를 괄호 안으로 집어넣는다"),
    },
    "constant_factor": {
        "en": ("constant factor", "{constants} {is_are} constant with respect to {var}, so {it_they} "
               "{moves} outside the derivative"),
        "ko": ("상수배", "{constants}는 사실상 상수이므로 편미분 기호 밖으로 뺄 수 있다"),
    },
    "sign": {
        "en": ("constant factor -1", "∂(-{f}) = -∂{f}: the minus sign moves outside{plus}"),
        "ko": ("부호", "-{f}를 {f}로 바꾸고 {plus}"),
    },
    "log_rule": {
        "en": ("log rule + chain rule", "(log u)' = u'/u, with the chain rule; constants "
               "inside u drop out"),
        "ko": ("로그 + 합성함수의 미분", "로그 함수의 미분, 합성 함수의 미분을 응용"),
    },
    "factor_out": {
        "en": ("factor out", "Factor out {f}"),
        "ko": ("묶기", "{f}를 묶어준다"),
    },
    "quotient_rule": {
        "en": ("quotient rule", "Quotient rule: (u/v)' = (u'v - u v')/v²{one}"),
        "ko": ("몫의 미분법", "몫의 미분법의 응용: (u/v)' = (u'v - u v')/v²{one}"),
    },
    "exponential_rule": {
        "en": ("exponential rule", "(e^u)' = e^u u', here with u = {exponent}; constants have "
               "derivative 0"),
        "ko": ("지수함수의 미분", "지수함수의 미분: (e^u)' = e^u u', 여기서 u = {exponent}"),
    },
    "add_and_subtract": {
        "en": ("add and subtract", "Add {c} and subtract {c} in the numerator"),
        "ko": ("더하고 빼기", "앞에다가 +{c}, 뒤에다가 -{c}"),
    },
    "split_fraction": {
        "en": ("split the fraction", "Split the fraction in two"),
        "ko": ("분수 나누기", "공식을 두 개로 나눈다"),
    },
    "cancel": {
        "en": ("cancel", "Cancel {factors}"),
        "ko": ("약분", "{factors}를 약분하여 간결하게 정리"),
    },
    "recognise": {
        "en": ("{function_name} simplification", "1/(1 + e^(-{argument})) is {function} itself"),
        "ko": ("{function_name} 정리", "1/(1 + e^(-{argument}))는 {function}이다"),
    },
    "factor": {
        "en": ("factor", "Factor out {function}: the result"),
        "ko": ("묶기", "{function}로 묶는다: 결론"),
    },
    "chain_rule": {
        "en": ("{function_name} derivative + chain rule", "{function_name}' = "
               "{function_name}(1 - {function_name}), times the inner derivative: we "
               "differentiate by {var}, not by {inner}"),
        "ko": ("{function_name}의 미분 + 합성함수의 미분", "{inner}가 아니라 {var}로 편미분하기 "
               "때문에 합성함수의 미분"),
    },
    "name_again": {
        "en": ("name again", "Write {body} as {name} again"),
        "ko": ("다시 쓰기", "{body}를 다시 {name}로 쓴다"),
    },
    "substitute": {
        "en": ("substitute", "Substitute {what} derived above"),
        "ko": ("대입", "위에서 구한 {what}를 대입"),
    },
    "expand": {
        "en": ("expand", "Expand the brackets"),
        "ko": ("전개", "괄호를 전부 풀어주면"),
    },
    "collect": {
        "en": ("collect", "Collect like terms"),
        "ko": ("정리", "매우 간결하게 정리"),
    },
    "substitute_definition": {
        "en": ("substitute", "Substitute the definition {name} = {body}"),
        "ko": ("대입", "{name} = {body}를 대입"),
    },
    "linear": {
        "en": ("constants", "Only {var} varies: {constants} {is_are} {constant_s}{entries}"),
        "ko": ("상수", "{var}를 제외한 나머지는 상수{entries}"),
    },
    "power_rule": {
        "en": ("{power_title}", "{power}{square}"),
        "ko": ("{power_title}", "{power}{square}"),
    },
    "power_chain": {
        "en": ("power rule + chain rule", "{power} u': the chain rule through "
               "the inner function; constants inside u drop out"),
        "ko": ("거듭제곱 + 합성함수의 미분", "거듭제곱의 미분과 합성함수의 미분을 응용"),
    },
    "exp_chain": {
        "en": ("exponential rule + chain rule", "(e^u)' = e^u u', with the chain rule"),
        "ko": ("지수함수 + 합성함수의 미분", "지수함수의 미분과 합성함수의 미분을 응용"),
    },
    "substitute_sample": {
        "en": ("back into the sum", "Put the one-sample derivative back into the sum: "
               "{follows}"),
        "ko": ("합으로 되돌리기", "{follows}"),
    },
    "constant_out_of_sum": {
        "en": ("constant factor", "The constant {c} moves out of the sum"),
        "ko": ("상수배", "상수 {c}를 합의 기호 밖으로 뺀다"),
    },
    "vectorize": {
        "en": ("vectorize", "With the data matrix X (row {n} is sample {n}, transposed) "
               "and the vector y, the sum over the samples is a matrix product: "
               "Σ_{n} {x}_{n} r_{n} = Xᵀ r{entrywise}"),
        "ko": ("벡터화", "데이터 행렬 X ({n}번째 행이 {n}번째 샘플의 전치)와 벡터 y로 쓰면 "
               "샘플에 대한 합은 행렬 곱이 된다: Σ_{n} {x}_{n} r_{n} = Xᵀ r{entrywise}"),
    },
    "index_notation": {
        "en": ("index notation", "{explain}"),
        "ko": ("인덱스 표기", "{explain}"),
    },
    "entry_derivative": {
        "en": ("entry rule", "∂{entry}/∂{var} = {deltas}: an entry depends on itself only"),
        "ko": ("성분의 미분", "∂{entry}/∂{var} = {deltas}: 같은 성분일 때만 1"),
    },
    "product_rule": {
        "en": ("product rule", "(u v)' = u' v + u v', one factor at a time"),
        "ko": ("곱의 미분법", "(u v)' = u' v + u v': 한 번에 한 인수씩 미분"),
    },
    "kronecker_delta": {
        "en": ("Kronecker delta", "{collapse}: each delta keeps only the term whose "
               "indices agree, and a sum disappears"),
        "ko": ("크로네커 델타", "{collapse}: 델타는 인덱스가 같은 항만 남긴다: 합이 하나씩 사라진다"),
    },
    "rename_index": {
        "en": ("rename the summation index", "The name of a summation index does not matter"),
        "ko": ("합의 인덱스 이름 바꾸기", "합의 인덱스 이름은 결과에 영향을 주지 않는다"),
    },
    "matrix_product": {
        "en": ("matrix product", "Σ_a A_ia B_aj = (AB)_ij: read the sums as matrix products"),
        "ko": ("행렬 곱", "Σ_a A_ia B_aj = (AB)_ij: 합을 행렬 곱으로 읽는다"),
    },
    "transpose": {
        "en": ("transpose", "M_lk = (Mᵀ)_kl"),
        "ko": ("전치", "M_lk = (Mᵀ)_kl"),
    },
    "matrix_form": {
        "en": ("matrix form", "Entry {free} of the derivative for every {free}: the matrix itself"),
        "ko": ("행렬 형태", "모든 {free}에 대한 {free} 성분: 행렬 그 자체"),
    },
    "gradient_descent": {
        "en": ("gradient descent", "One step against the gradient, with learning rate {rate}"),
        "ko": ("경사 하강법", "학습률 {rate}로 기울기의 반대 방향으로 한 걸음"),
    },
    "weight_decay": {
        "en": ("weight decay", "Collect the terms in {current}: the L2 term multiplies "
               "{current} by {factor} at every step, shrinking the weights (weight decay)"),
        "ko": ("가중치 감쇠", "{current}의 항을 모으면: L2 항이 매 단계 {current}에 {factor}를 "
               "곱해 가중치를 줄인다 (weight decay)"),
    },
    "recognise_lemma": {
        "en": ("{function_name} derivative", "e^(-u)/(1 + e^(-u))² is {function_name}'(u) = "
               "{function_name}(u)(1 - {function_name}(u)), as derived above"),
        "ko": ("{function_name}의 미분", "e^(-u)/(1 + e^(-u))²는 위에서 구한 {function_name}'(u) = "
               "{function_name}(u)(1 - {function_name}(u))이다"),
    },
    "in_terms_of": {
        "en": ("in terms of {function}", "The same derivative written with {function} itself"),
        "ko": ("{function}로 나타내기", "같은 미분을 {function} 자신으로 나타낸다"),
    },
    "log_likelihood": {
        "en": ("log-likelihood", "ln is increasing, so maximising P is maximising ln P"),
        "ko": ("로그 우도", "log는 증가함수이므로 P의 최대화는 ln P의 최대화와 같다"),
    },
    "log_product": {
        "en": ("log of a product", "ln Π_i p_i = Σ_i ln p_i"),
        "ko": ("곱의 로그", "ln Π_i p_i = Σ_i ln p_i: 곱이 합이 된다"),
    },
    "log_rule_terms": {
        "en": ("log rules", "ln(a b) = ln a + ln b and ln e^u = u"),
        "ko": ("로그의 성질", "ln(a b) = ln a + ln b, ln e^u = u"),
    },
    "split_sum": {
        "en": ("split the sum", "A constant added N times is N times it; constant factors "
               "leave the sum"),
        "ko": ("합 나누기", "상수를 N번 더하면 N배; 상수는 합 밖으로 나온다"),
    },
    "differentiate": {
        "en": ("differentiate", "Differentiate the log-likelihood with respect to {var}"),
        "ko": ("미분", "로그 우도를 {var}로 미분한다"),
    },
    "set_to_zero": {
        "en": ("set to zero", "At the maximum the gradient is zero"),
        "ko": ("0으로 놓기", "최대점에서 기울기는 0이다"),
    },
    "drop_factor_expand": {
        "en": ("drop the factor, expand", "The non-zero factor {factor} does not change where "
               "the gradient vanishes; multiply out"),
        "ko": ("상수 제거, 전개", "0이 아닌 인수 {factor}는 해를 바꾸지 않는다; 괄호를 푼다"),
    },
    "normal_equations": {
        "en": ("normal equations", "The terms in w on one side, the rest on the other"),
        "ko": ("정규 방정식", "w가 있는 항은 한쪽으로, 나머지는 다른 쪽으로"),
    },
    "invert": {
        "en": ("invert", "Multiply by the inverse of {matrix}: possible when {matrix} is "
               "invertible (the columns of X are linearly independent)"),
        "ko": ("역행렬", "{matrix}의 역행렬을 곱한다: {matrix}가 가역일 때 (X의 열이 선형 독립)"),
    },
    "kronecker_delta_chain": {
        "en": ("Kronecker delta", "δ_{{a_q l}} δ_{{a_{{q+1}} m}} fixes a_q = l and a_{{q+1}} = m; the "
               "other k - 1 entries form a chain from m back to l, summed over its inner "
               "indices: (X^(k-1))_ml, the same for every q"),
        "ko": ("크로네커 델타", "δ가 a_q = l, a_{{q+1}} = m으로 고정한다. 남은 k - 1개의 성분은 m에서 "
               "l로 가는 사슬이 되어 (X^(k-1))_ml이 되고, 모든 q에 대해 같다"),
    },
    "likewise": {
        "en": ("likewise", "The same path for {var}, where only the last derivative differs"),
        "ko": ("같은 방법", "같은 방법으로 {var}에 대해서도 편미분"),
    },
    "function_chain": {
        "en": ("{function_name} derivative + chain rule", "{function_name}'(t) = {derivative}, "
               "times the derivative of the inner {inner} by {var}{note}"),
        "ko": ("{function_name}의 미분 + 합성함수의 미분", "{function_name}'(t) = {derivative}에 "
               "안쪽 {inner}를 {var}로 편미분한 것을 곱한다{note}"),
    },
    "recognise_sigmoid": {
        "en": ("the sigmoid, recognised", "e^u/(1 + e^u) = 1/(1 + e^(-u)) = σ(u): the "
               "sigmoid, written out in the definitions, is named"),
        "ko": ("시그모이드 인식", "e^u/(1 + e^u) = 1/(1 + e^(-u)) = σ(u): 정의에 풀어 쓴 "
               "시그모이드를 σ로 쓴다"),
    },
    "solve_for": {
        "en": ("solve", "Solve for {var}: the sums of the data are numbers here"),
        "ko": ("풀기", "{var}에 대해 푼다: 데이터의 합은 여기서 숫자이다"),
    },
    "no_closed_form": {
        "en": ("no closed form", "Set to zero, this gradient has no closed-form solution for "
               "{var} ({var} is inside a nonlinear function): {var} is found numerically, by "
               "gradient ascent on the log-likelihood"),
        "ko": ("닫힌 해 없음", "이 기울기를 0으로 두어도 {var}에 대한 닫힌 형태의 해가 없다 "
               "({var}가 비선형 함수 안에 있다): {var}는 로그 우도에 대한 경사 상승법으로 "
               "수치적으로 구한다"),
    },
    "sum_to_one": {
        "en": ("labels sum to one", "Σ_k {labels}_k = 1 (one-hot labels, or probabilities): "
               "a sum of the labels times what does not depend on k is that factor"),
        "ko": ("레이블의 합은 1", "Σ_k {labels}_k = 1 (원-핫 레이블 또는 확률): 레이블의 합에 "
               "k와 무관한 인수를 곱한 것은 그 인수이다"),
    },
    "recognise_softmax": {
        "en": ("the softmax, recognised", "e^(z_m) / Σ_c e^(z_c) is softmax(z)_m"),
        "ko": ("소프트맥스 인식", "e^(z_m) / Σ_c e^(z_c)는 softmax(z)_m이다"),
    },
    "log_prior": {
        "en": ("log of the posterior", "ln(likelihood × prior) = ln likelihood + ln prior, "
               "and ln e^u = u"),
        "ko": ("사후 확률의 로그", "ln(우도 × 사전 확률) = ln 우도 + ln 사전 확률, ln e^u = u"),
    },
}

SECTIONS = {
    "cost": ("A", {"en": "From the cost to the loss", "ko": "Cost Function에서 Loss Function으로"}),
    "loss": ("B", {"en": "The loss of one sample, with {opaque} kept opaque",
                   "ko": "{opaque}는 그대로 두고 Loss Function을 편미분"}),
    "lemma": ("C", {"en": "Side derivation: {function}' by the quotient rule",
                    "ko": "{function}의 미분: 몫의 미분법과 지수함수의 미분을 활용"}),
    "back": ("D", {"en": "Back to {opaque}", "ko": "다시 {opaque}로"}),
    "result": ("F", {"en": "Result", "ko": "최종 결과"}),
    "log": ("A", {"en": "The log-likelihood", "ko": "로그 우도"}),
    "solve": ("S", {"en": "Setting the gradient to zero", "ko": "기울기를 0으로"}),
    "update": ("G", {"en": "The update rule", "ko": "갱신 규칙"}),
    "index": ("A", {"en": "The function in index notation", "ko": "인덱스 표기로 쓴 함수"}),
    "entries": ("B", {"en": "One entry of the derivative", "ko": "미분의 한 성분"}),
    "matrix": ("C", {"en": "Back to matrix form", "ko": "다시 행렬 형태로"}),
    "gradient": ("B", {"en": "The gradient of the log-likelihood", "ko": "로그 우도의 기울기"}),
}

# A section's title when it has nothing kept opaque (the loss of p4 is a plain function).
PLAIN_SECTIONS = {
    "loss": {"en": "The derivative for one sample", "ko": "샘플 하나에 대한 미분"},
    "back": {"en": "Back to the parameters", "ko": "다시 파라미터로"},
}

AND = {"en": " and ", "ko": "와 "}
HEADINGS = {
    "en": {"derivation": "Derivation", "result": "Result", "verified": "every step checked",
           "note": "Note", "problem": "Problem", "contents": "Contents",
           "handout": "Derivations, step by step"},
    "ko": {"derivation": "유도", "result": "결과", "verified": "모든 단계 검증됨",
           "note": "참고", "problem": "문제", "contents": "목차",
           "handout": "단계별 유도"},
}


def _text(value, lang):
    from .printing import to_text
    if isinstance(value, dict):                  # text given per language, as in a problem file
        return value.get(lang, value.get("en", ""))
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, sp.Symbol) for v in value):
            return ",".join(str(v) for v in value)          # free indices: k,l
        return AND[lang].join(_text(v, lang) for v in value)
    if isinstance(value, sp.FunctionClass):
        return value.__name__
    if isinstance(value, sp.Basic):
        return to_text(value)
    return str(value)


def _fill(template, params, lang, computed=None):
    values = {k: _text(v, lang) for k, v in params.items()}
    function = params.get("function")
    if function is not None:
        name = function if isinstance(function, sp.FunctionClass) else function.func
        values["function_name"] = name.__name__
    values.update(computed or {})
    from .catalogue import fill
    from .prose import plain
    # Korean particles fit their values; mathematics in prose has no LaTeX braces
    return plain(fill(template, lang, **values))


def rule_title(step, lang="en", before=None):
    """The rule's name; `before` is the line the step rewrites (some names are read from it)."""
    from .captions import values
    return _fill(RULES[step.rule][lang][0], step.params, lang, values(step, before, lang))


def explain(step, lang="en", before=None):
    """The step's caption, filled from the step's own values (and the line it rewrites)."""
    from .captions import values
    text = _fill(RULES[step.rule][lang][1], step.params, lang, values(step, before, lang))
    if step.rule == "constant_factor" and not step.params.get("constants"):
        text = {"en": "A constant factor moves outside the derivative",
                "ko": "상수는 편미분 기호 밖으로 뺄 수 있다"}[lang]
    return text


def section_title(section, steps, lang="en"):
    letter, titles = SECTIONS[section]
    params = {}
    opaque = [s.lhs.expr for s in steps if s.rule in ("chain_rule",) and s.section == "back"]
    opaque += [s.params["name"] for s in steps if s.rule == "substitute_definition"]
    if section == "loss":
        opaque = [d.expr for s in steps for d in sp.preorder_traversal(s.expr)
                  if isinstance(d, sp.Derivative) and isinstance(d.expr, AppliedUndef)]
    params["opaque"] = list(dict.fromkeys(opaque))
    if not params["opaque"] and section in PLAIN_SECTIONS:
        return letter, PLAIN_SECTIONS[section][lang]
    params["function"] = next((s.lhs.expr.func for s in steps
                               if isinstance(s.lhs, sp.Derivative)), None)
    return letter, _fill(titles[lang], params, lang)


# The routes of the course's other notes (derivator/strategies/routes/): bce-mle, logistic-pm1, bce
# --route ez. A step may carry a `note` (en and ko), e.g. where the notes slip.
RULES.update({
    "label_cases": {
        "en": ("cases", "The same at each value the label {label} can take.{note}"),
        "ko": ("경우 나누기", "레이블 {label}가 가질 수 있는 값마다 따로 쓴다.{note}"),
    },
    "sigmoid_symmetry": {
        "en": ("sigmoid symmetry", "1 - σ(t) = σ(-t), and σ(t) - 1 = -σ(-t)"),
        "ko": ("시그모이드의 대칭", "1 - σ(t) = σ(-t), σ(t) - 1 = -σ(-t)"),
    },
    "one_formula": {
        "en": ("one formula", "The cases as one formula in the label {label} ∈ {{{values}}}: "
               "it gives each case at its value"),
        "ko": ("하나의 식", "경우들을 레이블 {label} ∈ {{{values}}}에 대한 하나의 식으로: 각 값에서 "
               "그 경우가 된다"),
    },
    "iid_likelihood": {
        "en": ("likelihood", "The samples are independent (i.i.d.), so the probability of "
               "the data is the product of each sample's probability"),
        "ko": ("우도", "샘플들은 독립(i.i.d.)이므로 데이터의 확률은 각 샘플의 확률의 곱이다"),
    },
    "negative_log_likelihood": {
        "en": ("negative log-likelihood", "A product of many probabilities underflows to 0, "
               "and log is increasing, so the same w maximises {likelihood} and log "
               "{likelihood}: we minimise -log {likelihood}"),
        "ko": ("음의 로그 우도", "많은 확률의 곱은 0으로 언더플로하고, log는 증가함수라서 "
               "{likelihood}와 log {likelihood}를 최대화하는 w는 같다: -log {likelihood}를 최소화한다"),
    },
    "negative_mean": {
        "en": ("negative mean", "A product of many probabilities underflows to 0, and log is "
               "increasing, so maximising {likelihood} is maximising log {likelihood}, that is "
               "minimising -(1/{count}) log {likelihood}: the mean over the samples does not "
               "change the maximiser"),
        "ko": ("음의 평균", "많은 확률의 곱은 0으로 언더플로하고 log는 증가함수이므로, "
               "{likelihood}의 최대화는 log {likelihood}의 최대화, 곧 -(1/{count}) log "
               "{likelihood}의 최소화이다: 샘플 수로 나누어도 최적점은 같다"),
    },
    "log_powers": {
        "en": ("log rules", "log(u^r v^s) = r log u + s log v"),
        "ko": ("로그의 성질", "log(u^r v^s) = r log u + s log v"),
    },
    "log_of_product": {
        "en": ("log of a product", "log Π_k a_k = Σ_k log a_k: the product becomes a sum"),
        "ko": ("곱의 로그", "log Π_k a_k = Σ_k log a_k: 곱이 합이 된다"),
    },
    "sign_into_sum": {
        "en": ("sign into the sum", "The minus sign moves into every term of the sum"),
        "ko": ("부호를 합 안으로", "마이너스 부호를 합의 각 항 안으로 넣는다"),
    },
    "minus_log_sigmoid": {
        "en": ("log of the sigmoid", "σ(t) = 1/(1 + e^(-t)) and log(1/g) = -log g, so "
               "-log σ(t) = log(1 + e^(-t))"),
        "ko": ("시그모이드의 로그", "σ(t) = 1/(1 + e^(-t)), log(1/g) = -log g 이므로 "
               "-log σ(t) = log(1 + e^(-t))"),
    },
    "recognise_sigmoid": {
        "en": ("sigmoid recognised", "e^a/(1 + e^a) = 1/(1 + e^(-a)) = σ(a)"),
        "ko": ("시그모이드로 쓰기", "e^a/(1 + e^a) = 1/(1 + e^(-a)) = σ(a)"),
    },
    "relabel": {
        "en": ("change of labels", "Substitute {new} = (1 + {old})/2, which is 1 when {old} = 1 "
               "and 0 when {old} = -1"),
        "ko": ("레이블 바꾸기", "{new} = (1 + {old})/2를 대입: {old} = 1이면 1, {old} = -1이면 0"),
    },
    "lecture_gradient": {
        "en": ("the lecture's gradient", "The BCE gradient with labels in {{0, 1}}, as derived "
               "in the lecture (derivator show bce): Σ (σ(wᵀx) - y) x"),
        "ko": ("강의의 기울기", "레이블이 {{0, 1}}인 BCE의 기울기, 강의에서 유도한 그대로 "
               "(derivator show bce): Σ (σ(wᵀx) - y) x"),
    },
    "same_gradient": {
        "en": ("the same gradient", "This is {gradient} found above: the two losses are one "
               "loss, and their gradients are equal"),
        "ko": ("같은 기울기", "위에서 구한 {gradient}와 같다: 두 손실은 같은 손실이고 기울기도 같다"),
    },
    "fold_definition": {
        "en": ("name again", "This is the definition of {name}: written as {name} again"),
        "ko": ("다시 쓰기", "{name}의 정의이므로 다시 {name}로 쓴다"),
    },
    "log_chain_through": {
        "en": ("log rule + chain rule", "(log g)' = g'/g, and g depends on {var} through "
               "{through}: ∂g/∂{var} = (∂g/∂{through})(∂{through}/∂{var})"),
        "ko": ("로그 + 합성함수의 미분", "(log g)' = g'/g, g는 {through}를 거쳐 {var}에 "
               "의존하므로 ∂g/∂{var} = (∂g/∂{through})(∂{through}/∂{var})"),
    },
    "times_exponential": {
        "en": ("multiply top and bottom", "Multiply numerator and denominator by e^z: "
               "1/(1 + e^(-z)) = e^z/(1 + e^z)"),
        "ko": ("분자 분모에 e^z", "분자와 분모에 e^z를 곱한다: 1/(1 + e^(-z)) = e^z/(1 + e^z)"),
    },
    "divide_out": {
        "en": ("divide out", "e^z = (1 + e^z) - 1, so e^z/(1 + e^z) = 1 - 1/(1 + e^z)"),
        "ko": ("나눗셈", "e^z = (1 + e^z) - 1 이므로 e^z/(1 + e^z) = 1 - 1/(1 + e^z)"),
    },
    "substitute_both": {
        "en": ("substitute", "Substitute {what} from above.{note}"),
        "ko": ("대입", "위에서 구한 {what}를 대입.{note}"),
    },
    "invert_reciprocal": {
        "en": ("invert", "1/(1/g) = g, and 1/(1 - 1/g) = g/(g - 1)"),
        "ko": ("역수", "1/(1/g) = g, 1/(1 - 1/g) = g/(g - 1)"),
    },
    "multiply_out": {
        "en": ("multiply out", "e^(-z) e^z = 1: multiply out the factors that hold e^(-z)"),
        "ko": ("전개", "e^(-z) e^z = 1: e^(-z)가 있는 인수를 곱해 푼다"),
    },
    "cancel_common": {
        "en": ("cancel", "Cancel the common factor 1 + e^z"),
        "ko": ("약분", "공통 인수 1 + e^z를 약분"),
    },
    "collect_label": {
        "en": ("collect", "Over the common denominator 1 + e^z, the terms in {label} add up "
               "to -{label}: -{label}/(1 + e^z) - {label} e^z/(1 + e^z) = -{label}"),
        "ko": ("정리", "공통분모 1 + e^z 위에서 {label}의 항을 모으면 -{label}: "
               "-{label}/(1 + e^z) - {label} e^z/(1 + e^z) = -{label}"),
    },
    "to_negative_exponent": {
        "en": ("divide top and bottom", "Numerator and denominator divided by e^z: "
               "e^z/(1 + e^z) = 1/(1 + e^(-z))"),
        "ko": ("e^z로 나누기", "분자와 분모를 e^z로 나눈다: e^z/(1 + e^z) = 1/(1 + e^(-z))"),
    },
    "row_vector": {
        "en": ("vectorize", "All the partial derivatives side by side, one per weight: a sum "
               "over the samples of r⁽ⁱ⁾ times sample i's features is the row vector "
               "r = (r⁽¹⁾, …, r⁽ⁿ⁾) times X, whose rows are the samples; b acts entry by entry "
               "on z = (z⁽¹⁾, …, z⁽ⁿ⁾), and y = (y⁽¹⁾, …, y⁽ⁿ⁾)"),
        "ko": ("벡터화", "가중치마다의 편미분을 나란히 놓으면: 샘플에 대한 r⁽ⁱ⁾와 샘플 i의 특성의 "
               "곱의 합은 행 벡터 r = (r⁽¹⁾, …, r⁽ⁿ⁾)와 X (행이 샘플)의 곱이다; b는 "
               "z = (z⁽¹⁾, …, z⁽ⁿ⁾)의 성분마다, y = (y⁽¹⁾, …, y⁽ⁿ⁾)"),
    },
    "transpose_form": {
        "en": ("transpose", "(P Q)ᵀ = Qᵀ Pᵀ: the same row vector as the transpose of the "
               "lecture's column form Xᵀ(σ(Xw) - y)/n, where the lecture's column w is the "
               "notes' row wᵀ"),
        "ko": ("전치", "(P Q)ᵀ = Qᵀ Pᵀ: 같은 행 벡터를 강의의 열 벡터 형태 Xᵀ(σ(Xw) - y)/n의 "
               "전치로 쓴다. 강의의 열 벡터 w는 노트의 행 벡터 wᵀ이다"),
    },
    "bce_of_labels": {
        "en": ("definition", "Definition of {name}: the BCE loss with labels y' in "
               "{{0, 1}}.{note}"),
        "ko": ("정의", "{name}의 정의: 레이블 y' ∈ {{0, 1}}의 BCE 손실.{note}"),
    },
    "itself": {
        "en": ("itself", "∂{var}/∂{var} = 1"),
        "ko": ("자기 자신", "∂{var}/∂{var} = 1"),
    },
    "sigmoid_is_b": {
        "en": ("b is the sigmoid", "The notes' b is the lecture's sigmoid σ"),
        "ko": ("b는 σ", "노트의 b는 강의의 시그모이드 σ이다"),
    },
})

SECTIONS.update({
    "likelihood": ("L", {"en": "From the likelihood of the data to the loss",
                         "ko": "데이터의 우도에서 손실 함수로"}),
    "nll_gradient": ("G", {"en": "The gradient of the negative log-likelihood",
                           "ko": "음의 로그 우도의 기울기"}),
    "ez_loss": ("B", {"en": "The loss of one sample, through b(z) and z",
                      "ko": "샘플 하나의 손실: b(z)와 z를 거쳐"}),
    "ez_lemma": ("C", {"en": "∂b/∂z through e^z", "ko": "e^z 꼴로 구하는 ∂b/∂z"}),
    "ez_quotients": ("Q", {"en": "The two quotients", "ko": "두 개의 몫"}),
    "ez_combined": ("R", {"en": "Combined: b(z) - y", "ko": "합치면: b(z) - y"}),
    "ez_mean": ("M", {"en": "The mean over the n samples", "ko": "n개 샘플의 평균"}),
    "ez_vector": ("V", {"en": "Vectorized: the samples as the rows of X",
                        "ko": "벡터화: 샘플을 X의 행으로"}),
    "link": ("K", {"en": "The link to BCE: labels y' = (1 + y)/2 in {{0, 1}}",
                   "ko": "BCE와의 관계: 레이블 y' = (1 + y)/2 ∈ {{0, 1}}"}),
})

# matrix calculus as far as the Matrix Cookbook goes (issue 20)
RULES.update({
    "index_to_matrix": {
        "en": ("matrix form", "Read the index notation as matrices: δ_kl = I_kl, "
               "Σ_s A_as B_sb = (AB)_ab, A_ab B_ab = (A ⊙ B)_ab, u_k A_kl = (diag(u) A)_kl, "
               "u_k v_l = (u vᵀ)_kl, a scalar contraction times the rest"),
        "ko": ("행렬 형태", "인덱스 표기를 행렬로 읽는다: δ_kl = I_kl, "
               "Σ_s A_as B_sb = (AB)_ab, A_ab B_ab = (A ⊙ B)_ab, u_k A_kl = (diag(u) A)_kl, "
               "u_k v_l = (u vᵀ)_kl, 스칼라 축약은 나머지에 곱한다"),
    },
    "no_matrix_form": {
        "en": ("no matrix form", "No matrix form was found for this result: it stays in "
               "index notation (every entry is still checked)"),
        "ko": ("행렬 형태 없음", "이 결과의 행렬 형태를 찾지 못했다: 인덱스 표기로 남긴다 "
               "(모든 성분은 그래도 검증된다)"),
    },
    "inverse_entry": {
        "en": ("derivative of the inverse", "∂(X⁻¹)_ij/∂X_kl = -(X⁻¹)_ik (X⁻¹)_lj, from "
               "∂(X X⁻¹) = 0"),
        "ko": ("역행렬의 미분", "∂(X⁻¹)_ij/∂X_kl = -(X⁻¹)_ik (X⁻¹)_lj (∂(X X⁻¹) = 0에서)"),
    },
    "jacobi_formula": {
        "en": ("Jacobi's formula", "∂det X/∂X_kl = det(X) (X⁻¹)_lk"),
        "ko": ("야코비 공식", "∂det X/∂X_kl = det(X) (X⁻¹)_lk"),
    },
    "entrywise_chain": {
        "en": ("chain rule", "∂/∂v g(u) = g'(u) ∂u/∂v with {function}' = {derivative}"),
        "ko": ("합성함수의 미분", "∂/∂v g(u) = g'(u) ∂u/∂v, {function}' = {derivative}"),
    },
})

# issue 21: the losses a course sets next
RULES.update({
    "hyperbolic_chain": {
        "en": ("{function_name} derivative + chain rule", "{function_name}'(t) = {derivative}, "
               "times the derivative of the inner {inner} by {var}"),
        "ko": ("{function_name}의 미분 + 합성함수의 미분", "{function_name}'(t) = {derivative}에 "
               "안쪽 {inner}를 {var}로 편미분한 것을 곱한다"),
    },
    "textbook_form": {
        "en": ("textbook form", "Simplify: a factor and its reciprocal cancel, powers of the "
               "same base combine, equal terms are combined and constants gathered"),
        "ko": ("교과서 꼴", "정리한다: 인수와 그 역수는 약분되고, 밑이 같은 거듭제곱은 "
               "합쳐지며, 같은 항은 묶이고 상수는 모인다"),
    },
})

RULES.update({
    "normalise_equations": {
        "en": ("normalise", "Divide both sides by {factor}, so that XᵀX stands alone and "
               "first: the textbook form of the normal equations"),
        "ko": ("정규화", "양변을 {factor}로 나누어 XᵀX가 계수 없이 맨 앞에 오게 한다: 정규 "
               "방정식의 교과서 꼴"),
    },
})

# second order: the Hessian and the Newton step (steps/second_order.py)
SECTIONS.update({
    "hessian": ("H", {"en": "Second order: the Hessian and the Newton step",
                      "ko": "2차 미분: 헤세 행렬과 뉴턴 단계"}),
})
RULES.update({
    "hessian_definition": {
        "en": ("Hessian", "The Hessian block ∂²L/∂{p}∂{q}ᵀ is the gradient by {p}, "
               "differentiated once more by {q}ᵀ (row by row)"),
        "ko": ("헤세 행렬", "헤세 행렬의 블록 ∂²L/∂{p}∂{q}ᵀ는 {p}에 대한 기울기를 {q}ᵀ로 "
               "한 번 더 미분한 것이다 (행마다)"),
    },
    "into_sum_hessian": {
        "en": ("into the sum", "The derivative of a sum is the sum of the derivatives: "
               "∂/∂{q}ᵀ moves into the sum over samples"),
        "ko": ("합 안으로", "합의 미분은 미분의 합이다: ∂/∂{q}ᵀ가 샘플에 대한 합 안으로 들어간다"),
    },
    "data_constant": {
        "en": ("data constant", "A sample x_i does not depend on {q}: it stays in front, and "
               "only the scalar residual is differentiated, ∂(r x_i)/∂{q}ᵀ = x_i ∂r/∂{q}ᵀ"),
        "ko": ("데이터는 상수", "샘플 x_i는 {q}에 의존하지 않으므로 앞에 남고, 스칼라 잔차만 "
               "미분한다: ∂(r x_i)/∂{q}ᵀ = x_i ∂r/∂{q}ᵀ"),
    },
    "chain_predictor": {
        "en": ("chain rule", "The residual depends on {q} only through the linear predictor "
               "z_i: ∂r/∂{q}ᵀ = (∂r/∂z_i) ∂z_i/∂{q}ᵀ = {d}, with ∂r/∂z_i from the first "
               "derivative's lemma and ∂z_i/∂wᵀ = x_iᵀ, ∂z_i/∂b = 1; a term c w gives c I"),
        "ko": ("연쇄 법칙", "잔차는 선형 예측값 z_i를 통해서만 {q}에 의존한다: ∂r/∂{q}ᵀ = "
               "(∂r/∂z_i) ∂z_i/∂{q}ᵀ = {d}, ∂r/∂z_i는 1차 미분의 보조정리에서, ∂z_i/∂wᵀ = "
               "x_iᵀ, ∂z_i/∂b = 1; 항 c w는 c I가 된다"),
    },
    "hessian_matrix_form": {
        "en": ("matrix form", "The samples as the rows of X: Σ_i s_i x_i x_iᵀ = Xᵀ diag(s) X, "
               "Σ_i s_i x_i = Xᵀ s and Σ_i s_i = 1ᵀ s, where s_i = {s}"),
        "ko": ("행렬 꼴", "샘플을 X의 행으로: Σ_i s_i x_i x_iᵀ = Xᵀ diag(s) X, "
               "Σ_i s_i x_i = Xᵀ s, Σ_i s_i = 1ᵀ s, 여기서 s_i = {s}"),
    },
    "newton_step": {
        "en": ("Newton step", "Newton's method (IRLS for a GLM): {p} ← {p} − H⁻¹∇L, the "
               "minimum of the quadratic model of L at {p}"),
        "ko": ("뉴턴 단계", "뉴턴 방법 (GLM에서는 IRLS): {p} ← {p} − H⁻¹∇L, {p}에서 L의 "
               "2차 근사의 최솟값"),
    },
})
