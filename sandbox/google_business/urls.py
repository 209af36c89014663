from django.urls import path

from sandbox.google_business import oauth, publish, reviews

LOCATION = "mybusiness/v4/accounts/<str:account>/locations/<str:location>/"

urlpatterns = [
    path("o/oauth2/v2/auth", oauth.auth),
    path("token", oauth.token),
    path("revoke", oauth.revoke),
    path("userinfo", oauth.userinfo),
    path("accountmanagement/v1/accounts", oauth.accounts),
    path("businessinformation/v1/accounts/<str:account>/locations", oauth.locations),
    path(LOCATION + "localPosts", publish.local_posts),
    path(LOCATION + "localPosts/<str:post>", publish.local_post_get),
    path(LOCATION + "reviews", reviews.reviews_list),
    path(LOCATION + "reviews/<str:review>/reply", reviews.review_reply),
    path("_control/reviews", reviews.control_reviews),
    path("photos/<str:name>.png", publish.sample_photo),
]
