"""Pages opened by a secret in their address (an emailed questionnaire or visit link)."""


def private(response):
    """No search engine lists the page, and its address (the secret) is never sent to another
    site as a referrer. Not "no-referrer": the browser would then post the page's form with
    `Origin: null`, which Django's CSRF check refuses. (The views are never_cache.)"""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
