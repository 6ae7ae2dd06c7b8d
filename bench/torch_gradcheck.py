"""The benchmark's reference models through torch.autograd.gradcheck (float64), for a side-by-side with Gradlens.

For each model: the median forward time, gradcheck in full mode (fast_mode=False) and in fast mode
(fast_mode=True). Prints one JSON object on stdout; bench/run.ts reads it. Run on its own with
`python3 bench/torch_gradcheck.py --pretty`.

The large models (mlp-784-1258-10, tanh, and mlp-784-256-10-relu: about 10^6 and 2*10^5 parameters) get
fast mode only, on the correct model and on two bugs in the gradient of fc1.W, as the TS model files inject
them: one element 1% off (a custom autograd.Function, the identity forward, whose backward multiplies that
element of the incoming gradient by 1.01; the same seeded index as the TS file), and the L2 term missing from
the whole layer (the L2 term computed on fc1.W detached: the loss is right, its gradient lacks 2*reg*W).
Full mode (2N forward passes plus per-element bookkeeping) is out of reach at these sizes and is skipped,
with an estimate of what it would take. For the same reason, when fast mode flags a gradient, gradcheck's
re-run of the whole check in slow mode (which it does only to print both Jacobians in its error message) is
replaced by a stub for these models: the time measured is the time to fast mode's verdict.

The models mirror bench/models/*.ts: same shapes, same maths, float64 inputs drawn from a seeded generator
(not the same numbers as Gradlens draws: the cost does not depend on them). Models (a scalar loss of the
parameters) are checked as gradcheck(loss, params). Layers are checked the way a PyTorch user checks one,
gradcheck(layer, inputs) on the layer's output tensor: in full mode gradcheck builds the analytical Jacobian
with one backward pass per output element, which is part of what it costs.

Forward time is measured like the TS side measures it: wall-clock, the median of many individually timed calls
of the function on the same inputs (with grad mode on, as gradcheck calls it) after a warm-up; CPU time, the
median per call over batches of calls. Every ratio is given both ways: on a shared machine the wall-clock of a
long check includes time other processes held the cores, its CPU time does not.
"""

import argparse
import contextlib
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def mlp(d_in, hidden, classes, batch, gen):
    params = (
        torch.randn(d_in, hidden, generator=gen, dtype=torch.float64) * (2 / d_in) ** 0.5,
        torch.randn(hidden, generator=gen, dtype=torch.float64) * 0.1,
        torch.randn(hidden, classes, generator=gen, dtype=torch.float64) * (2 / hidden) ** 0.5,
        torch.randn(classes, generator=gen, dtype=torch.float64) * 0.1,
    )
    x = torch.randn(batch, d_in, generator=gen, dtype=torch.float64)
    y = torch.randint(0, classes, (batch,), generator=gen)
    reg = 0.01

    def loss(w1, b1, w2, b2):
        scores = torch.relu(x @ w1 + b1) @ w2 + b2
        return F.cross_entropy(scores, y) + reg * ((w1 * w1).sum() + (w2 * w2).sum())

    return loss, params


def conv(gen):
    inputs = (
        torch.randn(2, 3, 8, 8, generator=gen, dtype=torch.float64),
        torch.randn(4, 3, 3, 3, generator=gen, dtype=torch.float64) * 0.3,
        torch.randn(4, generator=gen, dtype=torch.float64) * 0.1,
    )
    return (lambda x, w, b: F.conv2d(x, w, b, stride=1, padding=1)), inputs


def batchnorm(gen):
    inputs = (
        torch.randn(16, 32, generator=gen, dtype=torch.float64) * 2 + 1,
        torch.randn(32, generator=gen, dtype=torch.float64) * 0.5 + 1,
        torch.randn(32, generator=gen, dtype=torch.float64) * 0.5,
    )
    return (lambda x, gamma, beta: F.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-5)), inputs


def rnn(gen):
    n, t_steps, d, h = 4, 10, 8, 16
    inputs = (
        torch.randn(n, t_steps, d, generator=gen, dtype=torch.float64),
        torch.randn(n, h, generator=gen, dtype=torch.float64) * 0.5,
        torch.randn(d, h, generator=gen, dtype=torch.float64) * 0.3,
        torch.randn(h, h, generator=gen, dtype=torch.float64) * 0.25,
        torch.randn(h, generator=gen, dtype=torch.float64) * 0.1,
    )

    def forward(x, h0, wx, wh, b):
        state = h0
        states = []
        for t in range(t_steps):
            state = torch.tanh(x[:, t, :] @ wx + state @ wh + b)
            states.append(state)
        return torch.stack(states, dim=1)

    return forward, inputs


M32 = 0xFFFFFFFF


def seeded_index(seed, size):
    """The first output of mulberry32(seed), scaled to [0, size): seededIndex in bench/models/lib/mlp.ts."""
    t = (seed + 0x6D2B79F5) & M32
    t = ((t ^ (t >> 15)) * (t | 1)) & M32
    t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32
    return int(((t ^ (t >> 14)) & M32) / 4294967296 * size)


class ElementOff(torch.autograd.Function):
    """The identity, whose backward gets one element of the gradient wrong: a hand-written backward's bug."""

    @staticmethod
    def forward(ctx, w, flat, factor):
        ctx.flat = flat
        ctx.factor = factor
        return w.view_as(w)

    @staticmethod
    def backward(ctx, grad):
        grad = grad.clone()
        grad.view(-1)[ctx.flat] *= ctx.factor
        return grad, None, None


def large_mlp(d_in, hidden, classes, batch, activation, seed, gen):
    """The correct loss, the two buggy ones, the parameters, and the injected element's flat index in fc1.W."""
    # Xavier scales for tanh, He-style for ReLU, as in the TS model files.
    gain = 1 if activation == "tanh" else 2
    params = (
        torch.randn(d_in, hidden, generator=gen, dtype=torch.float64) * (gain / d_in) ** 0.5,
        torch.randn(hidden, generator=gen, dtype=torch.float64) * 0.1,
        torch.randn(hidden, classes, generator=gen, dtype=torch.float64) * (gain / hidden) ** 0.5,
        torch.randn(classes, generator=gen, dtype=torch.float64) * 0.1,
    )
    x = torch.randn(batch, d_in, generator=gen, dtype=torch.float64)
    y = torch.randint(0, classes, (batch,), generator=gen)
    reg = 0.01
    act = torch.tanh if activation == "tanh" else torch.relu
    flat = seeded_index(seed, d_in * hidden)

    def data_loss(w1, b1, w2, b2):
        return F.cross_entropy(act(x @ w1 + b1) @ w2 + b2, y)

    def correct(w1, b1, w2, b2):
        return data_loss(w1, b1, w2, b2) + reg * ((w1 * w1).sum() + (w2 * w2).sum())

    def element(w1, b1, w2, b2):
        w1 = ElementOff.apply(w1, flat, 1.01)
        return data_loss(w1, b1, w2, b2) + reg * ((w1 * w1).sum() + (w2 * w2).sum())

    def layer(w1, b1, w2, b2):
        w1c = w1.detach()
        return data_loss(w1, b1, w2, b2) + reg * ((w1c * w1c).sum() + (w2 * w2).sum())

    return {"correct": correct, "element": element, "layer": layer}, params, flat


LARGE_MODELS = {
    "mlp-784-1258-10": lambda gen: large_mlp(784, 1258, 10, 16, "tanh", 1258, gen),
    "mlp-784-256-10-relu": lambda gen: large_mlp(784, 256, 10, 16, "relu", 256, gen),
}

# The names of each model's inputs, in order, as the TS model files call them.
INPUT_NAMES = {
    "mlp-20-50-10": ("fc1.W", "fc1.b", "fc2.W", "fc2.b"),
    "mlp-100-200-10": ("fc1.W", "fc1.b", "fc2.W", "fc2.b"),
    "conv": ("x", "w", "b"),
    "batchnorm": ("x", "gamma", "beta"),
    "rnn": ("x", "h0", "Wx", "Wh", "b"),
}

MODELS = {
    "mlp-20-50-10": lambda gen: mlp(20, 50, 10, 16, gen),
    "mlp-100-200-10": lambda gen: mlp(100, 200, 10, 32, gen),
    "conv": conv,
    "batchnorm": batchnorm,
    "rnn": rnn,
}


def forward_ms(fn, inputs, min_samples=200, min_seconds=0.1, max_seconds=1.0):
    """(wall, cpu) milliseconds of one call: the wall-clock median of individually timed calls after a warm-up,
    and the median CPU time per call over batches of calls (grad mode on, as gradcheck calls it)."""
    warm_until = time.perf_counter() + 0.05
    calls = 0
    while calls < 20 or time.perf_counter() < warm_until:
        fn(*inputs)
        calls += 1
    samples = []
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        fn(*inputs)
        samples.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
        if (len(samples) >= min_samples and elapsed >= min_seconds) or elapsed >= max_seconds:
            break
    wall = statistics.median(samples)
    batch = max(1, round(0.002 / max(wall, 1e-7)))
    per_call = []
    cpu_started = time.perf_counter()
    while len(per_call) < 15 or (len(per_call) < 60 and time.perf_counter() - cpu_started < max_seconds / 2):
        c0 = time.process_time()
        for _ in range(batch):
            fn(*inputs)
        per_call.append((time.process_time() - c0) / batch)
    return wall * 1000, statistics.median(per_call) * 1000


def timed_gradcheck(fn, inputs, fast, reps, budget):
    """(wall, cpu) seconds per gradcheck call, repeated up to `reps` times while the total stays within `budget`."""
    walls, cpus = [], []
    passed = True
    while len(walls) < reps:
        c0 = time.process_time()
        t0 = time.perf_counter()
        passed = torch.autograd.gradcheck(fn, inputs, fast_mode=fast, raise_exception=False) and passed
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        if sum(walls) + walls[-1] > budget:
            break
    return walls, cpus, passed


# Full mode on more elements than this is first timed on a subset of the inputs (see run_model).
SUBSET_ELEMENTS = 2500


def subset_inputs(inputs, limit):
    """Indices of the smallest inputs whose elements add up to at most `limit` (at least the smallest one)."""
    order = sorted(range(len(inputs)), key=lambda i: inputs[i].numel())
    chosen, total = [], 0
    for i in order:
        if chosen and total + inputs[i].numel() > limit:
            break
        chosen.append(i)
        total += inputs[i].numel()
    return chosen


def full_mode(fn, inputs, names, n, reps, budget):
    """gradcheck's full mode, or its cost measured on a subset of the inputs when the whole would not fit.

    gradcheck perturbs every element of every input that requires grad, each at the cost of two forward passes
    plus its own per-element bookkeeping (in Python, which dominates for small models). When N is large, the
    smallest inputs are checked first (the others do not require grad): the per-element cost measured there
    decides whether the whole check fits the budget; if not, the subset's numbers stand in for it, marked.
    """
    if n > SUBSET_ELEMENTS:
        chosen = subset_inputs(inputs, SUBSET_ELEMENTS)
        partial = tuple(t.detach().clone().requires_grad_(i in chosen) for i, t in enumerate(inputs))
        m = sum(partial[i].numel() for i in chosen)
        wall, cpu, ok = timed_gradcheck(fn, partial, False, 1, budget)
        if wall[0] * n / m > budget:
            return {"seconds": wall, "cpuSeconds": cpu, "median": wall[0], "passed": bool(ok), "elements": m,
                    "subset": f"{m} of {n} elements ({', '.join(names[i] for i in sorted(chosen))}): the whole would take about {wall[0] * n / m:.0f} s"}
    wall, cpu, ok = timed_gradcheck(fn, inputs, False, reps, budget)
    return {"seconds": wall, "cpuSeconds": cpu, "median": statistics.median(wall), "passed": bool(ok), "elements": n}


def run_model(model_id, reps, budget):
    gen = torch.Generator().manual_seed(0)
    fn, raw_inputs = MODELS[model_id](gen)
    inputs = tuple(t.clone().requires_grad_(True) for t in raw_inputs)
    n = sum(t.numel() for t in inputs)
    with torch.no_grad():
        outputs = fn(*inputs).numel()
    before = forward_ms(fn, inputs)
    full = full_mode(fn, inputs, INPUT_NAMES[model_id], n, reps, budget)
    after = forward_ms(fn, inputs)
    fast_wall, fast_cpu, fast_ok = timed_gradcheck(fn, inputs, True, max(reps, 5), budget / 2)
    # The forward time before and after the full check, averaged: the machine is shared and its load drifts.
    fwd_wall = (before[0] + after[0]) / 2
    fwd_cpu = (before[1] + after[1]) / 2
    return {
        "id": model_id,
        "elements": n,
        "outputs": outputs,
        "forwardMs": fwd_wall,
        "forwardCpuMs": fwd_cpu,
        "full": full,
        "fast": {"seconds": fast_wall, "cpuSeconds": fast_cpu, "median": statistics.median(fast_wall), "passed": bool(fast_ok)},
        # The limit of a per-element check is 2 forward passes per element checked.
        "fullOverhead": full["median"] * 1000 / (2 * full["elements"] * fwd_wall),
        "fullOverheadCpu": statistics.median(full["cpuSeconds"]) * 1000 / (2 * full["elements"] * fwd_cpu),
        "fastForwardEquivalents": statistics.median(fast_wall) * 1000 / fwd_wall,
        "fastForwardEquivalentsCpu": statistics.median(fast_cpu) * 1000 / fwd_cpu,
    }


def timed_fast_flag(fn, inputs, reps, budget):
    """gradcheck(fast_mode=True) as a verdict: (wall, cpu) seconds per call, whether it flagged the gradient, and
    any error other than gradcheck's own mismatch (which raise_exception=False turns into False)."""
    walls, cpus = [], []
    flagged, error = False, None
    while len(walls) < reps:
        c0 = time.process_time()
        t0 = time.perf_counter()
        try:
            ok = torch.autograd.gradcheck(fn, inputs, fast_mode=True, raise_exception=False)
        except Exception as e:  # noqa: BLE001 -- reported, not fatal
            ok, error = False, f"{type(e).__name__}: {e}"
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        flagged = flagged or not ok
        if sum(walls) + walls[-1] > budget:
            break
    return walls, cpus, flagged, error


@contextlib.contextmanager
def no_slow_mode_error_message():
    """gradcheck(fast_mode=True), on a mismatch, recomputes every Jacobian in slow mode (2N forward passes) only
    to print them in its error message: hours at 10^6 parameters. The verdict is the same without it."""
    module = sys.modules["torch.autograd.gradcheck"]
    original = module._run_slow_mode_and_get_error
    module._run_slow_mode_and_get_error = lambda *args, **kwargs: "\n(slow-mode re-run skipped by the benchmark)"
    try:
        yield
    finally:
        module._run_slow_mode_and_get_error = original


def run_large_model(model_id, reps, budget):
    gen = torch.Generator().manual_seed(0)
    variants, raw_inputs, flat = LARGE_MODELS[model_id](gen)
    inputs = tuple(t.clone().requires_grad_(True) for t in raw_inputs)
    n = sum(t.numel() for t in inputs)
    before = forward_ms(variants["correct"], inputs, min_samples=50)
    out = {"id": model_id, "elements": n, "injected": flat}
    for name in ("correct", "element", "layer"):
        with no_slow_mode_error_message():
            walls, cpus, flagged, error = timed_fast_flag(variants[name], inputs, reps, budget / 3)
        out[name] = {"seconds": walls, "cpuSeconds": cpus, "median": statistics.median(walls), "flagged": flagged}
        if error:
            out[name]["error"] = error
    after = forward_ms(variants["correct"], inputs, min_samples=50)
    out["forwardMs"] = (before[0] + after[0]) / 2
    out["forwardCpuMs"] = (before[1] + after[1]) / 2
    for name in ("correct", "element", "layer"):
        v = out[name]
        v["forwardEquivalents"] = v["median"] * 1000 / out["forwardMs"]
        v["forwardEquivalentsCpu"] = statistics.median(v["cpuSeconds"]) * 1000 / out["forwardCpuMs"]
    estimate = 2 * n * out["forwardMs"] / 1000
    out["full"] = {
        "skipped": f"not run: 2N = {2 * n} forward passes, about {estimate:.0f} s of forward passes alone",
        "estimateSeconds": estimate,
    }
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join([*MODELS, *LARGE_MODELS]), help="comma-separated model ids")
    parser.add_argument("--reps", type=int, default=3, help="full-mode repetitions (fewer when over budget)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per model and mode")
    parser.add_argument("--pretty", action="store_true")
    args = parser.parse_args()
    # One thread: the Gradlens numbers it is compared with are single-core (the two-core speed-up is separate).
    torch.set_num_threads(1)
    results, large = [], []
    for model_id in filter(None, args.models.split(",")):
        if model_id in MODELS:
            results.append(run_model(model_id, args.reps, args.budget))
        elif model_id in LARGE_MODELS:
            large.append(run_large_model(model_id, args.reps, args.budget))
        else:
            print(f"unknown model {model_id!r} (known: {', '.join([*MODELS, *LARGE_MODELS])})", file=sys.stderr)
            return 2
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "python": sys.version.split()[0], "models": results, "large": large}
    print(json.dumps(out, indent=2 if args.pretty else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
