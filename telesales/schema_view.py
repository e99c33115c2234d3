"""`/api/schema/` served from memory: the OpenAPI document is generated once per process."""

import threading
from typing import ClassVar

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class CachedSchemaView(SpectacularAPIView):
    """The OpenAPI document, generated once per process, language and version (generating it
    walks every view and serializer: seconds), then served from memory. The schema is public
    (SERVE_PUBLIC), so it does not depend on who asks; a deploy starts new processes, so a new
    release never serves an old schema."""

    _documents: ClassVar[dict[tuple[str | None, str | None], dict]] = {}
    _lock = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        document = self._documents.get(key)
        if document is None:
            with self._lock:  # one thread generates it; the others wait for its document
                document = self._documents.get(key)
                if document is None:
                    generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                    document = self._documents[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=document,
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
