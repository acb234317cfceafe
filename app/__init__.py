"""The investigators' Streamlit app: ring queue, ring and entity pages, dashboard, admin.

Pages in ``app/pages/`` only lay out; the logic they call lives in ``app.views`` and
``app.netview`` so it can be tested without a browser.
"""

__all__: list[str] = []
