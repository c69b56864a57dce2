"""The project's form renderer: Django's templates, with the portal's field layout.

Forms render through the project's template engine (so ``templates/forms/``
can override Django's) and lay each field out as the pages' CSS expects: label,
control, help text and errors in one ``div.field``. Django itself links the
help text and the errors to the control (``aria-describedby``) and marks an
invalid control (``aria-invalid``); radio buttons and checkbox groups get a
``fieldset`` with a legend.
"""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
