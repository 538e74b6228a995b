def test_login_page(client, staff):
    r = client.get("/login")
    assert r.status_code == 200
