"""The world and its levels: the vocabulary (world.py), the level format (schema,
reader, writer), compiled level arrays and the rules kernels. Imports nothing from
`agents` or `game`; see ARCHITECTURE.md."""
