from django import template

from sil.classifications.languages import language_name as _language_name

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """`{{ row.language|language_name }}`: "en" → "Inglese" (in Italian)."""
    return _language_name(str(code or ""))
