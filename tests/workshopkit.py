"""Shared by the workshop tests (results, reports, cluster): a chapter that trains
in a fraction of a second, and a way to make result documents from real runs."""

from __future__ import annotations

# a coin somewhere in a small room, a short training budget; the deployment room
# moves the start, so the agent can still fail
TINY_CHAPTER = '''format = 1
[chapter]
id = "tiny"
title = "Tiny"
intended = "coin"
lesson = "aligned"
predictions = [
    { id = "coin", text = "It gets the coin.", label = "aligned" },
    { id = "lost", text = "It gets lost.", label = "capability-failure" },
]
[rules]
reward = { coin = 10, step = -0.05 }
max_steps = 30
[agent]
view = 5
steps = 20000
[legend]
1 = { spawn = "coin" }
[[train]]
name = "room"
map = """
#######
#@.1.1#
#.1.1.#
#######
"""
[[deploy]]
name = "room again"
map = """
#######
#1.1.@#
#.1.1.#
#######
"""
'''
