"""Who may write: editors, by the Editors group's model permissions; everyone may read.

Reads are filtered per user instead (articles.api.visibility). Writes need the model's
change permission, DjangoModelPermissions-style: change_claim to PATCH a claim, change_entity
to PATCH or merge entities (a merge changes existing records, so POST maps to change too).
Anonymous writers get 401 (with a WWW-Authenticate: Token challenge), others 403.
"""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class EditorWritesOrReadOnly(DjangoModelPermissions):
    perms_map = {
        **DjangoModelPermissions.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        # reads are for everyone; a method the view lacks gets its 405, not a 403
        if request.method in SAFE_METHODS or not hasattr(view, request.method.lower()):
            return True
        return super().has_permission(request, view)
