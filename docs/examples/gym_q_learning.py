"""Train a third-party-style agent on a Mesa Lab chapter through the Gymnasium
adapter, then deploy it through Mesa Lab's own diagnosis.

The agent is plain tabular Q-learning written only against the Gymnasium API (it
knows nothing of Mesa Lab: observations are opaque vectors, used as table keys),
standing in for any library agent; a deep-learning library (e.g. Stable-Baselines3
with PyTorch) plugs in the same way, but is kept out of Mesa Lab's dependencies.

    pip install -e '.[gym]'
    python docs/examples/gym_q_learning.py 1 --episodes 4000

Only `gymnasium.make` is needed to train; `game.gym_env.as_agent` turns the learned
policy into something `game.deploy.deploy` can run on the chapter's deployment
levels, and `game.diagnosis.diagnose` labels what it learned.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import gymnasium
import numpy as np


class QLearner:
    """Epsilon-greedy tabular Q-learning over hashed observations."""

    def __init__(self, n_actions: int, seed: int, lr=0.2, gamma=0.97, epsilon=0.2):
        self.q = defaultdict(lambda: np.zeros(n_actions))
        self.n = n_actions
        self.rng = np.random.default_rng(seed)
        self.lr, self.gamma, self.epsilon = lr, gamma, epsilon

    @staticmethod
    def key(obs) -> bytes:
        return np.asarray(obs, np.uint8).tobytes()

    def act(self, obs) -> int:
        if self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.n))
        q = self.q[self.key(obs)]
        return int(self.rng.choice(np.flatnonzero(q == q.max())))

    def learn(self, obs, action, reward, nxt, done) -> None:
        target = reward + (0.0 if done else self.gamma * self.q[self.key(nxt)].max())
        q = self.q[self.key(obs)]
        q[action] += self.lr * (target - q[action])

    def probabilities(self, dense: np.ndarray) -> np.ndarray:
        """Greedy where the state was seen in training, uniform where it was not."""
        out = np.full((len(dense), self.n), 1.0 / self.n)
        for i, row in enumerate(dense):
            q = self.q.get(self.key(row))
            if q is not None and q.any():
                best = np.flatnonzero(q == q.max())
                out[i] = 0.0
                out[i, best] = 1.0 / len(best)
        return out


def train(path: str, episodes: int, seed: int) -> tuple[QLearner, object]:
    if "mesa_lab/Level-v0" not in gymnasium.registry:
        # running from a checkout that was not pip-installed: no entry point yet
        from game.gym_register import register_envs
        register_envs()
    env = gymnasium.make("mesa_lab/Level-v0", path=path, levels="train")
    agent = QLearner(env.action_space.n, seed)
    obs, _ = env.reset(seed=seed)
    successes = []
    for _ in range(episodes):
        done = False
        while not done:
            a = agent.act(obs)
            nxt, r, term, trunc, info = env.step(a)
            done = term or trunc
            agent.learn(obs, a, r, nxt, term)
            obs = nxt
        successes.append(info["intended"])
        obs, _ = env.reset()
    print(f"training: intended goal in {100 * np.mean(successes[-200:]):.0f}% of the last "
          f"{min(200, episodes)} episodes; {len(agent.q)} observations seen")
    return agent, env.unwrapped


def main(argv=None) -> int:
    from game.chapters import find_chapter
    from game.deploy import deploy
    from game.diagnosis import diagnose
    from game.gym_env import as_agent
    from game.report import deploy_lines, diagnosis_lines
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("chapter", help="a chapter file, id or number")
    p.add_argument("--episodes", type=int, default=4000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    path = str(find_chapter(args.chapter))
    agent, env = train(path, args.episodes, args.seed)
    report = deploy(as_agent(env, agent.probabilities), env.level_file, episodes=100,
                    seed=args.seed, counterfactuals=False)
    print("\n".join(deploy_lines(report)))
    print("\n".join(diagnosis_lines(diagnose(env.level_file, report))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
