"""The manager's dashboard: does Labelstudio keep its promise to answer within the legal deadline?"""
