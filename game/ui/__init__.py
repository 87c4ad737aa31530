"""The window: the pygame app, its scenes, widgets and tiles."""
