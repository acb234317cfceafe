"""The app's logic, importable and testable without a browser; ``app/app_pages`` only lays out.

- :mod:`app.views.queue`: the ring queue as a table, its filters and the id search.
- :mod:`app.views.ringview`: a ring's claims as a network, a timeline, members and a map.
- :mod:`app.views.charts`: Altair charts (timeline, institution map without tiles).
- :mod:`app.views.export`: CSV (GB18030) and XLSX exports with Chinese headers.
- :mod:`app.views.session`: the logged-in user, the access guard, the audit helpers.
- :mod:`app.views.data`: cached reads keyed by the workspace version.
"""

__all__: list[str] = []
