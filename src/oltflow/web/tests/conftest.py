from oltflow.web.tests.fixtures import admin_user, api, browser, reader, reader_api, world  # noqa: F401
