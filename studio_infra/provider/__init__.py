"""Studio components for every Pulumi language: a component provider.

``derive`` derives the provider's argument types and hosted classes from the components'
pydantic models (``components`` holds them, derived on import); ``hosting`` is what each hosted
class does (refuse Outputs where a value must be known, validate, build the Python component
under it); ``host`` serves them and gives the schema (``studio-infra schema`` prints it,
``schema.json`` is the committed copy); ``references`` lets one served component take another
(``StudioUser``'s domain) as a resource reference. docs/other-languages.md shows how to use it.
"""
