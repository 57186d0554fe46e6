"""`verify-receiver` and `trigger`: the inbound suite that tests an integrator's callback
receiver with every wire form. Imports the layers below only.
"""
