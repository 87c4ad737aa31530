"""The learners (PPO, tabular Q-learning), trained agents and their files, training
runs. Imports `levels`, never `game`; see ARCHITECTURE.md."""
