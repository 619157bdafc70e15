"""The web plumbing the JSON API and the pages share: units of work and admission control,
the error path, CSRF, pagination cursors, templating and streamed uploads."""
