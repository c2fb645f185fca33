from rest_framework import permissions, viewsets
from rest_framework.response import Response


class NoteViewSet(viewsets.ViewSet):
    permission_classes = [permissions.IsAuthenticated]

    def list(self, request):
        return Response([{"note": "usa e getta"}])
