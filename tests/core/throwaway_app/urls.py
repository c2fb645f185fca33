from django.http import HttpResponse
from django.urls import path

app_name = "throwaway"
urlpatterns = [path("", lambda request: HttpResponse("usa e getta"), name="index")]
