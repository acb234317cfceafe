"""Page modules for st.navigation: layout only, logic in app.views."""
