"""What every page's template needs beyond its view's context."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse, translate_url
from django.utils.http import urlencode
from django.utils.translation import get_language_info, override

from .i18n import active_language


def languages(request):
    """The same page in the site's other languages, for the toggle and the head's alternates.

    The address keeps the page's querystring, so filters and search words survive the switch; a
    page no URL names (a 404) leads to the other language's home page.

    The address is read as a path on this site: one that starts with "//" (`//evil.example/en/`)
    would otherwise be read as another host's, and the toggle would lead there. An error page for
    a request whose Host is not one of ours (a 400) gets no absolute address: it names no host.
    """
    current = active_language()
    path = "/" + request.get_full_path().lstrip("/")
    others = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = translate_url(path, code)
        if url == path:
            with override(code):
                url = reverse("relations:home")
        others.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"].capitalize(),
                "url": url,
                # The toggle: through choose_language, which keeps the choice for "/".
                "toggle_url": f"{reverse('choose-language', kwargs={'code': code})}?{urlencode({'next': url})}",
                "absolute_url": absolute_url(request, url),
            }
        )
    return {"other_languages": others}


def absolute_url(request, url):
    """`url` on this site's host, or None if the request's Host is not one of ours."""
    try:
        return request.build_absolute_uri(url)
    except DisallowedHost:
        return None
