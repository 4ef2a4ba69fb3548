"""Access control: who the caller is (authenticate, oidc) and what each role may do (rules,
enforce, scopes)."""
