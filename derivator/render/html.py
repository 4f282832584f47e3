"""placeholder"""
def render_html(d, lang="en"): raise NotImplementedError
def render_handout(ds, lang="en"): raise NotImplementedError
