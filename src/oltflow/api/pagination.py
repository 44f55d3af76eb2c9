"""Pagination of the API's lists: ``?page=`` and ``?page_size=`` (at most 1000), with a count."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
