from django import template

from scoring import labels

register = template.Library()


@register.filter
def score_reason(item) -> str:
    return labels.reason(item)


@register.filter
def feature_label(name: str) -> str:
    return labels.feature(name)
