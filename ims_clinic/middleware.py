from django.utils.cache import patch_cache_control


class NoStoreForStaff:
    """Pages served to signed-in staff may show patient data: no browser or proxy keeps them.

    Patients are never signed in, so the public pages keep their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
