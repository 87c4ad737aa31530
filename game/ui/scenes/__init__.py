"""The game's scenes, one module each: title, warm-up, briefing, editor, training,
prediction, deployment, debrief, settings, sandbox file dialog, message dialog."""
