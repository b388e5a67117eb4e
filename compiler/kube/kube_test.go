package kube

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNamespaced(t *testing.T) {
	tests := []struct {
		apiVersion, kind string
		want             bool
	}{
		{"apps/v1", "Deployment", true},
		{"v1", "Service", true},
		{"v1", "Namespace", false},
		{"v1", "PersistentVolume", false},
		{"rbac.authorization.k8s.io/v1", "ClusterRole", false},
		{"rbac.authorization.k8s.io/v1", "Role", true},
		{"apiextensions.k8s.io/v1", "CustomResourceDefinition", false},
		{"argoproj.io/v1alpha1", "Rollout", true}, // unknown kinds are namespaced
		{"example.com/v1", "Namespace", true},     // only the core group's Namespace is cluster-wide
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Namespaced(tt.apiVersion, tt.kind), tt.apiVersion+" "+tt.kind)
	}
}

func TestGroup(t *testing.T) {
	assert.Equal(t, "", Group("v1"))
	assert.Equal(t, "apps", Group("apps/v1"))
	assert.Equal(t, "networking.k8s.io", Group("networking.k8s.io/v1"))
}
