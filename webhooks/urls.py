from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:endpoint_id>/", views.endpoint, name="endpoint"),
    path("<int:endpoint_id>/delete/", views.delete, name="delete"),
    path("deliveries/<int:delivery_id>/resend/", views.resend, name="resend"),
]
