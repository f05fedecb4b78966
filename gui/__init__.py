"""Backbone Studio's Qt front end. Imports core; core never imports gui."""
