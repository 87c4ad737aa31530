"""The learners' per-iteration statistics: each one's name and its slot in the float64
array the compiled iterations fill (PPO's and the tabular learner's share the first
three). Code reads a slot by its name here, never by a bare index."""

from __future__ import annotations

STATS = ("episodes", "return_sum", "successes", "entropy", "policy_loss", "value_loss",
         "approx_kl", "clip_frac", "grad_norm", "samples", "minibatches")
(S_EPISODES, S_RETURN_SUM, S_SUCCESSES, S_ENTROPY, S_POLICY_LOSS, S_VALUE_LOSS,
 S_APPROX_KL, S_CLIP_FRAC, S_GRAD_NORM, S_SAMPLES, S_MINIBATCHES) = range(len(STATS))
N_STATS = len(STATS)
# What a PPO iteration reports; the last two are the counts that turn the loss sums
# into means (per sample, and per minibatch for the gradient norm).
REPORTED = STATS[:S_SAMPLES]
PER_SAMPLE = ("policy_loss", "value_loss", "approx_kl", "clip_frac")
# The tabular learner fills these only.
N_TABULAR_STATS = S_SUCCESSES + 1
