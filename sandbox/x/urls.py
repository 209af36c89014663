from django.urls import path

from sandbox.x import media, metrics, oauth, publish

urlpatterns = [
    path("i/oauth2/authorize", oauth.authorize),
    path("2/oauth2/token", oauth.token),
    path("2/oauth2/revoke", oauth.revoke),
    path("2/users/me", oauth.users_me),
    path("2/tweets", metrics.tweets),  # POST publishes, GET ?ids= reads metrics
    path("2/tweets/<str:tweet_id>", publish.tweet_lookup),
    path("2/users/<str:user_id>/tweets", publish.user_tweets),
    path("2/media/upload", media.upload),  # POST uploads an image, GET reads a STATUS
    path("2/media/upload/initialize", media.initialize),
    path("2/media/upload/<str:media_id>/append", media.append),
    path("2/media/upload/<str:media_id>/finalize", media.finalize),
]
