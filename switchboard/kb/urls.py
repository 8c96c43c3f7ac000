from django.urls import path

from switchboard.kb import panel, views

app_name = "kb"
urlpatterns = [
    path("", views.article_search, name="search"),
    path("new/", views.article_edit, name="create"),
    path("repeated/", views.repeated_questions, name="repeated"),
    path("<int:article_id>/", views.article_detail, name="detail"),
    path("<int:article_id>/edit/", views.article_edit, name="edit"),
    path("<int:article_id>/publish/", views.article_publish, name="publish"),
    path("<int:article_id>/feedback/", panel.feedback, name="feedback"),
    path("panel/", panel.panel, name="panel"),
    path("panel/search/", panel.panel_search, name="panel_search"),
    path("panel/<int:article_id>/", panel.panel_article, name="panel_article"),
]
