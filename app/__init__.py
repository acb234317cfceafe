"""The investigators' Streamlit app: ring queue, ring and entity pages, dashboard, admin.

Pages in ``app/app_pages/`` only lay out; the logic they call lives in ``app.views`` and
``app.netview`` so it can be tested without a browser. (The folder is not called ``pages``:
Streamlit treats a ``pages/`` folder beside the entry script as an old-style multipage app and
runs its files directly, bypassing ``st.navigation`` and with it the login check.)
"""

__all__: list[str] = []
