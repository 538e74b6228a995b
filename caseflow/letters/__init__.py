"""Letters to the requester and the data package: drafting (the legal text filled from the case), pdf (the
letter to print), package_zip (the ZIP of an access/portability answer), service (draft, send, extend, answer),
packages (the uploaded exports of a case), and their pages (routes.py on the letters blueprint)."""
