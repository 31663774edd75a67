"""New patients asking online for a first assessment, and the front desk confirming it."""
