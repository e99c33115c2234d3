"""`/api/schema/` served from memory: the OpenAPI document is generated once per process."""

import threading
from typing import ClassVar

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

from telesales.schema import schema_signature


class CachedSchemaView(SpectacularAPIView):
    """The OpenAPI document, generated once per process, language and version (generating it
    walks every view and serializer: seconds), then served from memory. The schema is public
    (SERVE_PUBLIC), so it does not depend on who asks; a deploy starts new processes, so a new
    release never serves an old schema. Parts that follow data (the sync rows per disposition)
    give a signature: a changed signature generates the document again."""

    _documents: ClassVar[dict[tuple, dict]] = {}
    _lock = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version, schema_signature())
        document = self._documents.get(key)
        if document is None:
            with self._lock:  # one thread generates it; the others wait for its document
                document = self._documents.get(key)
                if document is None:
                    generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                    document = generator.get_schema(request=request, public=self.serve_public)
                    for stale in [k for k in self._documents if k[:2] == key[:2]]:
                        del self._documents[stale]
                    self._documents[key] = document
        return Response(
            data=document,
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
